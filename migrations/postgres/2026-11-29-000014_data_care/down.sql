DROP TABLE care_settings;
