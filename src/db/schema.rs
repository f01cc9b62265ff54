//! The one schema for both backends. Written by hand; the integration test
//! `schema_parity` checks that both migration sets produce exactly these tables and columns.

diesel::table! {
    coalition (id) {
        id -> BigInt,
        name -> Text,
        time_zone -> Text,
        created_at -> Timestamp,
        publish_member_list -> Bool,
        public_applications -> Bool,
        fees_enabled -> Bool,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        name -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        is_admin -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    link_tokens (id) {
        id -> BigInt,
        purpose -> Text,
        person_id -> Nullable<BigInt>,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        person_id -> BigInt,
        label -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Nullable<BigInt>,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    sectors (id) {
        id -> BigInt,
        name -> Text,
        side -> Text,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        short_name -> Text,
        sector_id -> BigInt,
        region -> Text,
        address -> Text,
        website -> Text,
        email -> Text,
        phone -> Text,
        needs_authorisation -> Bool,
        offers_venue -> Bool,
        status -> Text,
        admitted_on -> Nullable<Date>,
        fee_tier -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    membership_events (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        effective_on -> Date,
        decided_by -> Nullable<BigInt>,
        reason -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    affiliations (id) {
        id -> BigInt,
        person_id -> BigInt,
        organisation_id -> BigInt,
        representation -> Nullable<Text>,
        is_authoriser -> Bool,
        job_title -> Text,
        phone -> Text,
        since -> Timestamp,
    }
}

diesel::table! {
    admission_criteria (id) {
        id -> BigInt,
        position -> Integer,
        text -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        contact_person_id -> BigInt,
        motivation -> Text,
        submitted_via -> Text,
        submitted_by -> Nullable<BigInt>,
        submitted_at -> Timestamp,
        decision -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
    }
}

diesel::table! {
    application_answers (id) {
        id -> BigInt,
        application_id -> BigInt,
        criterion_id -> BigInt,
        criterion_text -> Text,
        attested -> Bool,
        comment -> Text,
    }
}

diesel::table! {
    application_sponsors (id) {
        id -> BigInt,
        application_id -> BigInt,
        organisation_id -> BigInt,
    }
}

diesel::table! {
    fee_schedules (id) {
        id -> BigInt,
        year -> Integer,
        tier -> Text,
        amount_cents -> BigInt,
        currency -> Text,
    }
}

diesel::table! {
    fee_ledger (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        year -> Integer,
        tier -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        status -> Text,
        paid_on -> Nullable<Date>,
        reference -> Text,
        note -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mou_versions (id) {
        id -> BigInt,
        version_no -> Integer,
        title -> Text,
        body -> Text,
        adopted_on -> Date,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mou_signatures (id) {
        id -> BigInt,
        mou_version_id -> BigInt,
        organisation_id -> BigInt,
        signed_by_name -> Text,
        signed_on -> Date,
        reference -> Text,
        recorded_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    working_groups (id) {
        id -> BigInt,
        name -> Text,
        mandate -> Text,
        convenor_id -> Nullable<BigInt>,
        status -> Text,
        started_on -> Date,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    working_group_members (id) {
        id -> BigInt,
        group_id -> BigInt,
        organisation_id -> BigInt,
        joined_on -> Date,
    }
}

diesel::table! {
    working_group_nominees (id) {
        id -> BigInt,
        group_id -> BigInt,
        person_id -> BigInt,
    }
}

diesel::joinable!(api_tokens -> people (person_id));
diesel::joinable!(link_tokens -> people (person_id));
diesel::joinable!(audit_events -> people (actor_id));
diesel::joinable!(organisations -> sectors (sector_id));
diesel::joinable!(membership_events -> organisations (organisation_id));
diesel::joinable!(affiliations -> organisations (organisation_id));
diesel::joinable!(affiliations -> people (person_id));
diesel::joinable!(applications -> organisations (organisation_id));
diesel::joinable!(application_answers -> applications (application_id));
diesel::joinable!(application_sponsors -> applications (application_id));
diesel::joinable!(application_sponsors -> organisations (organisation_id));
diesel::joinable!(fee_ledger -> organisations (organisation_id));
diesel::joinable!(mou_signatures -> mou_versions (mou_version_id));
diesel::joinable!(mou_signatures -> organisations (organisation_id));
diesel::joinable!(working_group_members -> working_groups (group_id));
diesel::joinable!(working_group_members -> organisations (organisation_id));
diesel::joinable!(working_group_nominees -> working_groups (group_id));
diesel::joinable!(working_group_nominees -> people (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    coalition,
    people,
    link_tokens,
    api_tokens,
    login_throttle,
    audit_events,
    sectors,
    organisations,
    membership_events,
    affiliations,
    admission_criteria,
    applications,
    application_answers,
    application_sponsors,
    fee_schedules,
    fee_ledger,
    mou_versions,
    mou_signatures,
    working_groups,
    working_group_members,
    working_group_nominees,
);
