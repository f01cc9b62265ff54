//! The one schema for both backends. Written by hand; the integration test
//! `schema_parity` checks that both migration sets produce exactly these tables and columns.

diesel::table! {
    coalition (id) {
        id -> BigInt,
        name -> Text,
        time_zone -> Text,
        created_at -> Timestamp,
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

diesel::joinable!(api_tokens -> people (person_id));
diesel::joinable!(link_tokens -> people (person_id));
diesel::joinable!(audit_events -> people (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    coalition,
    people,
    link_tokens,
    api_tokens,
    login_throttle,
    audit_events,
);
