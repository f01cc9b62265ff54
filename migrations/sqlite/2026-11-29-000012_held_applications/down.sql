DROP TABLE held_applications;
