-- The evaluation's mail indicators count a period's deliveries by status. Without this index
-- every count read all deliveries (584,000 on the large coalition: about 100 ms each, twice
-- per evaluation page, even for a period with none); with it, each status is a range search.
CREATE INDEX outbox_deliveries_status_created ON outbox_deliveries (status, created_at);
