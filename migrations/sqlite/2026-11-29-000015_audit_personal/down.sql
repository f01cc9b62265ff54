DROP TABLE audit_personal;
