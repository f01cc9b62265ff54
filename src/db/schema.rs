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
        publish_statements -> Bool,
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
        expires_at -> Nullable<Timestamp>,
        last_used_from -> Text,
    }
}

diesel::table! {
    email_changes (id) {
        id -> BigInt,
        person_id -> BigInt,
        new_email -> Text,
        token_hash -> Text,
        requested_by -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        person_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        ended_why -> Text,
        user_agent -> Text,
        address -> Text,
    }
}

diesel::table! {
    audit_personal (id) {
        id -> BigInt,
        person_id -> Nullable<BigInt>,
        value -> Text,
    }
}

diesel::table! {
    care_settings (id) {
        id -> BigInt,
        backup_daily -> Bool,
        backup_keep -> Integer,
        mail_body_days -> Integer,
        session_days -> Integer,
        throttle_days -> Integer,
        last_backup_at -> Nullable<Timestamp>,
        last_backup_result -> Text,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
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
        secretariat_opt_out -> Bool,
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

diesel::table! {
    secretariat_settings (id) {
        id -> BigInt,
        term_months -> Integer,
        paired -> Bool,
        horizon_terms -> Integer,
        first_term_starts -> Nullable<Date>,
    }
}

diesel::table! {
    secretariat_terms (id) {
        id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        civil_society_org -> Nullable<BigInt>,
        governmental_org -> Nullable<BigInt>,
        pinned -> Bool,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    secretariat_covers (id) {
        id -> BigInt,
        term_id -> BigInt,
        side -> Text,
        organisation_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_settings (id) {
        id -> BigInt,
        plenary_months -> Text,
        plenary_weekday -> Integer,
        plenary_week -> Integer,
        plenary_start -> Text,
        plenary_end -> Text,
        time_zone -> Nullable<Text>,
        quorum_percent -> Integer,
        venue_rotation -> Text,
    }
}

diesel::table! {
    venues (id) {
        id -> BigInt,
        name -> Text,
        address -> Text,
        notes -> Text,
        organisation_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        kind -> Text,
        group_id -> Nullable<BigInt>,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        venue_id -> Nullable<BigInt>,
        online_url -> Text,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        visibility -> Text,
        media_open -> Bool,
        media_reason -> Text,
        uid -> Text,
        sequence -> Integer,
        plan_year -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        times_moved -> Integer,
    }
}

diesel::table! {
    meeting_guests (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        name -> Text,
        email -> Text,
        affiliation -> Text,
        attended -> Nullable<Bool>,
    }
}

diesel::table! {
    agenda_items (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        position -> Integer,
        title -> Text,
        presenter -> Text,
        duration_minutes -> Integer,
        description -> Text,
        confidential -> Bool,
    }
}

diesel::table! {
    agenda_versions (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        version_no -> Integer,
        items -> Text,
        published_by -> Nullable<BigInt>,
        published_at -> Timestamp,
    }
}

diesel::table! {
    attendance (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        organisation_id -> BigInt,
        status -> Text,
        represented_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    minutes (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        body -> Text,
        status -> Text,
        comment_deadline -> Nullable<Date>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<BigInt>,
        approval_note -> Text,
        updated_at -> Timestamp,
        confidential_body -> Text,
        approval_audit_seq -> Nullable<BigInt>,
        approval_audit_hash -> Nullable<Text>,
    }
}

diesel::table! {
    minute_comments (id) {
        id -> BigInt,
        minutes_id -> BigInt,
        person_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    minute_addenda (id) {
        id -> BigInt,
        minutes_id -> BigInt,
        body -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        confidential -> Bool,
    }
}

diesel::table! {
    action_items (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        title -> Text,
        owner_organisation_id -> Nullable<BigInt>,
        owner_person_id -> Nullable<BigInt>,
        due_on -> Nullable<Date>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_imports (id) {
        id -> BigInt,
        name -> Text,
        imported_by -> Nullable<BigInt>,
        imported_at -> Timestamp,
        events -> Integer,
        days -> Integer,
    }
}

diesel::table! {
    blocked_dates (id) {
        id -> BigInt,
        import_id -> BigInt,
        day -> Date,
        yearly -> Bool,
        label -> Text,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        person_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_preferences (person_id) {
        person_id -> BigInt,
        essential_only -> Bool,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> BigInt,
        kind -> Text,
        essential -> Bool,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        calendar -> Nullable<Text>,
        calendar_method -> Nullable<Text>,
        list_id -> Text,
        auto_submitted -> Bool,
        meeting_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_deliveries (id) {
        id -> BigInt,
        message_id -> BigInt,
        recipient_name -> Text,
        recipient_email -> Text,
        person_id -> Nullable<BigInt>,
        message_id_header -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        leased_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_reminders (id) {
        id -> BigInt,
        kind -> Text,
        subject_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    statements (id) {
        id -> BigInt,
        title -> Text,
        context_note -> Text,
        group_id -> Nullable<BigInt>,
        status -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        published_version_id -> Nullable<BigInt>,
        closing_reason -> Text,
        published_audit_seq -> Nullable<BigInt>,
        published_audit_hash -> Nullable<Text>,
    }
}

diesel::table! {
    statement_versions (id) {
        id -> BigInt,
        statement_id -> BigInt,
        version_no -> Integer,
        body -> Text,
        content_hash -> Text,
        note -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    statement_comments (id) {
        id -> BigInt,
        statement_id -> BigInt,
        version_id -> BigInt,
        person_id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        body -> Text,
        proposed_text -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    approval_rounds (id) {
        id -> BigInt,
        statement_id -> BigInt,
        version_id -> BigInt,
        content_hash -> Text,
        decision_rule -> Text,
        consensus_percent -> Integer,
        deadline -> Date,
        status -> Text,
        opened_by -> BigInt,
        opened_at -> Timestamp,
        adopted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        changes -> Integer,
    }
}

diesel::table! {
    statement_positions (id) {
        id -> BigInt,
        round_id -> BigInt,
        organisation_id -> BigInt,
        position -> Text,
        reason -> Text,
        content_hash -> Text,
        person_id -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    statement_authorisations (id) {
        id -> BigInt,
        round_id -> BigInt,
        organisation_id -> BigInt,
        decision -> Text,
        reference -> Text,
        content_hash -> Text,
        person_id -> BigInt,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    statement_signatories (id) {
        id -> BigInt,
        statement_id -> BigInt,
        organisation_id -> BigInt,
        organisation_name -> Text,
        approved_at -> Timestamp,
        approved_by -> BigInt,
        authorised_at -> Nullable<Timestamp>,
        authorised_by -> Nullable<BigInt>,
        authorisation_reference -> Text,
    }
}

diesel::table! {
    complaint_settings (id) {
        id -> BigInt,
        panel_size -> Integer,
        acknowledge_days -> Integer,
        assess_days -> Integer,
        dialogue_days -> Integer,
        answer_days -> Integer,
        close_days -> Integer,
        reminder_days -> Integer,
        retention_years -> Integer,
        standing_committee -> Bool,
    }
}

diesel::table! {
    complaint_committee (person_id) {
        person_id -> BigInt,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        reference -> Text,
        year -> Integer,
        number -> Integer,
        complainant_org -> Nullable<BigInt>,
        filed_by -> Nullable<BigInt>,
        filer_unnamed -> Bool,
        about -> Text,
        respondent_org -> Nullable<BigInt>,
        record_kind -> Text,
        record_id -> Nullable<BigInt>,
        title -> Text,
        body -> Text,
        stage -> Text,
        stage_since -> Timestamp,
        due_on -> Nullable<Date>,
        respondent_notified_at -> Nullable<Timestamp>,
        admissible -> Nullable<Bool>,
        assessment -> Text,
        proposal -> Text,
        panel_summary -> Text,
        outcome -> Text,
        lesson -> Text,
        plenary_meeting_id -> Nullable<BigInt>,
        hearing_meeting_id -> Nullable<BigInt>,
        filed_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        reminded_due -> Nullable<Date>,
        overdue_notified_due -> Nullable<Date>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    complaint_stages (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        stage -> Text,
        entered_at -> Timestamp,
        due_on -> Nullable<Date>,
    }
}

diesel::table! {
    complaint_panel (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        person_id -> BigInt,
        organisation_id -> BigInt,
        side -> Text,
        status -> Text,
        appointed_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    complaint_messages (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        person_id -> BigInt,
        party -> Text,
        audience -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    complaint_files (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        message_id -> BigInt,
        name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        content -> Text,
    }
}

diesel::table! {
    complaint_access (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        person_id -> BigInt,
        opened_at -> Timestamp,
        channel -> Text,
    }
}

diesel::table! {
    complaint_answers (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        party -> Text,
        person_id -> Nullable<BigInt>,
        accepts -> Nullable<Bool>,
        satisfaction -> Nullable<Integer>,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> BigInt,
        title -> Text,
        kind -> Text,
        period_from -> Date,
        period_until -> Date,
        questionnaire_opens -> Nullable<Date>,
        questionnaire_closes -> Nullable<Date>,
        report_due -> Nullable<Date>,
        plenary_meeting_id -> Nullable<BigInt>,
        status -> Text,
        findings -> Text,
        recommendations -> Text,
        frozen_indicators -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        adopted_at -> Nullable<Timestamp>,
        people_answer -> Bool,
    }
}

diesel::table! {
    evaluation_evaluators (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        person_id -> BigInt,
        external -> Bool,
        appointed_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_reads (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        person_id -> BigInt,
        what -> Text,
        read_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_items (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        position -> Integer,
        theme -> Text,
        kind -> Text,
        text -> Text,
        choices -> Text,
    }
}

diesel::table! {
    evaluation_participation (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        organisation_id -> BigInt,
        answered_on -> Date,
    }
}

diesel::table! {
    evaluation_person_participation (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        person_id -> BigInt,
        answered_on -> Date,
    }
}

diesel::table! {
    evaluation_responses (id) {
        id -> Text,
        evaluation_id -> BigInt,
        side -> Text,
        sector -> Text,
        respondent -> Text,
    }
}

diesel::table! {
    evaluation_answers (response_id, item_id) {
        response_id -> Text,
        item_id -> BigInt,
        rating -> Nullable<Integer>,
        answer -> Text,
    }
}

diesel::table! {
    evaluation_followups (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        action -> Text,
        owner_organisation_id -> Nullable<BigInt>,
        due_on -> Date,
        status -> Text,
        outcome -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> people (person_id));
diesel::joinable!(sessions -> people (person_id));
diesel::joinable!(link_tokens -> people (person_id));
diesel::joinable!(audit_events -> people (actor_id));
diesel::joinable!(organisations -> sectors (sector_id));
diesel::joinable!(complaint_stages -> complaints (complaint_id));
diesel::joinable!(complaint_panel -> complaints (complaint_id));
diesel::joinable!(complaint_panel -> people (person_id));
diesel::joinable!(complaint_messages -> complaints (complaint_id));
diesel::joinable!(complaint_messages -> people (person_id));
diesel::joinable!(complaint_files -> complaint_messages (message_id));
diesel::joinable!(complaint_access -> complaints (complaint_id));
diesel::joinable!(complaint_access -> people (person_id));
diesel::joinable!(complaint_answers -> complaints (complaint_id));
diesel::joinable!(evaluation_evaluators -> evaluations (evaluation_id));
diesel::joinable!(evaluation_evaluators -> people (person_id));
diesel::joinable!(evaluation_reads -> evaluations (evaluation_id));
diesel::joinable!(evaluation_items -> evaluations (evaluation_id));
diesel::joinable!(evaluation_followups -> evaluations (evaluation_id));
diesel::joinable!(evaluation_participation -> evaluations (evaluation_id));
diesel::joinable!(evaluation_person_participation -> evaluations (evaluation_id));
diesel::joinable!(evaluation_responses -> evaluations (evaluation_id));
diesel::joinable!(evaluation_answers -> evaluation_responses (response_id));
diesel::joinable!(evaluation_answers -> evaluation_items (item_id));
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
diesel::joinable!(secretariat_covers -> secretariat_terms (term_id));
diesel::joinable!(venues -> organisations (organisation_id));
diesel::joinable!(meetings -> venues (venue_id));
diesel::joinable!(meetings -> working_groups (group_id));
diesel::joinable!(meeting_guests -> meetings (meeting_id));
diesel::joinable!(agenda_items -> meetings (meeting_id));
diesel::joinable!(agenda_versions -> meetings (meeting_id));
diesel::joinable!(attendance -> meetings (meeting_id));
diesel::joinable!(attendance -> organisations (organisation_id));
diesel::joinable!(minutes -> meetings (meeting_id));
diesel::joinable!(minute_comments -> minutes (minutes_id));
diesel::joinable!(minute_addenda -> minutes (minutes_id));
diesel::joinable!(action_items -> meetings (meeting_id));
diesel::joinable!(blocked_dates -> calendar_imports (import_id));
diesel::joinable!(calendar_feeds -> people (person_id));
diesel::joinable!(outbox_deliveries -> outbox_messages (message_id));
diesel::joinable!(mail_preferences -> people (person_id));
diesel::joinable!(statements -> working_groups (group_id));
diesel::joinable!(statement_versions -> statements (statement_id));
diesel::joinable!(statement_comments -> statement_versions (version_id));
diesel::joinable!(approval_rounds -> statement_versions (version_id));
diesel::joinable!(statement_positions -> approval_rounds (round_id));
diesel::joinable!(statement_positions -> organisations (organisation_id));
diesel::joinable!(statement_authorisations -> approval_rounds (round_id));
diesel::joinable!(statement_authorisations -> organisations (organisation_id));
diesel::joinable!(statement_signatories -> statements (statement_id));

diesel::table! {
    held_applications (id) {
        id -> BigInt,
        organisation_name -> Text,
        contact_name -> Text,
        contact_email -> Text,
        motivation -> Text,
        matches -> Text,
        submitted_at -> Timestamp,
        dismissed_at -> Nullable<Timestamp>,
        dismissed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// One row: the version of the data, raised by triggers on every change (`db::version`).
    data_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    audit_personal,
    care_settings,
    held_applications,
    coalition,
    people,
    link_tokens,
    api_tokens,
    email_changes,
    sessions,
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
    secretariat_settings,
    secretariat_terms,
    secretariat_covers,
    meeting_settings,
    venues,
    meetings,
    meeting_guests,
    agenda_items,
    agenda_versions,
    attendance,
    minutes,
    minute_comments,
    minute_addenda,
    action_items,
    calendar_imports,
    blocked_dates,
    calendar_feeds,
    mail_preferences,
    outbox_messages,
    outbox_deliveries,
    mail_reminders,
    statements,
    statement_versions,
    statement_comments,
    approval_rounds,
    statement_positions,
    statement_authorisations,
    statement_signatories,
    complaint_settings,
    complaint_committee,
    complaints,
    complaint_stages,
    complaint_panel,
    complaint_messages,
    complaint_files,
    complaint_access,
    complaint_answers,
    evaluations,
    evaluation_evaluators,
    evaluation_reads,
    evaluation_items,
    evaluation_participation,
    evaluation_person_participation,
    evaluation_responses,
    evaluation_answers,
    evaluation_followups,
);
