-- The raw-Postgres ceiling for order ingestion: the equivalent reserve-and-insert transaction
-- of an order with 3 lines (the mean of 1–5): per line a conditional UPDATE of the warehouse
-- balance (available >= qty in the WHERE clause) and an INSERT of the commitment, plus the
-- order row and its line rows, in one transaction. Tables bench_order / bench_order_line are
-- created by bench_ingest.py with the same columns the real order and line rows fill.
-- Variables: :wid (warehouse), :pmin/:pmax (product id range). Products ascend within an
-- order (the lock order the services use), so concurrent transactions cannot deadlock.
\set p1 random(:pmin, :pmax - 100)
\set p2 :p1 + random(1, 50)
\set p3 :p2 + random(1, 50)
\set q random(1, 3)
BEGIN;
INSERT INTO bench_order (number, channel_id, external_id, status, customer_email, customer_name,
                         shipping_address, placed_at, created_at)
VALUES ('P' || md5(random()::text), 1, md5(random()::text), 'allocated', 'a@example.com', 'Ada',
        '{"line1": "1 Main St", "city": "Springfield", "country": "US"}', now(), now());
UPDATE inventory_inventorybalance SET committed = committed + :q, version = version + 1
 WHERE product_id = :p1 AND warehouse_id = :wid AND on_hand >= committed + unavailable + :q;
INSERT INTO inventory_commitment (created_at, updated_at, quantity, original_quantity,
       document_type, document_ref, status, expires_at, warehouse_id, product_id)
VALUES (now(), now(), :q, :q, 'pgbench', 'P', 'open', NULL, :wid, :p1);
UPDATE inventory_inventorybalance SET committed = committed + :q, version = version + 1
 WHERE product_id = :p2 AND warehouse_id = :wid AND on_hand >= committed + unavailable + :q;
INSERT INTO inventory_commitment (created_at, updated_at, quantity, original_quantity,
       document_type, document_ref, status, expires_at, warehouse_id, product_id)
VALUES (now(), now(), :q, :q, 'pgbench', 'P', 'open', NULL, :wid, :p2);
UPDATE inventory_inventorybalance SET committed = committed + :q, version = version + 1
 WHERE product_id = :p3 AND warehouse_id = :wid AND on_hand >= committed + unavailable + :q;
INSERT INTO inventory_commitment (created_at, updated_at, quantity, original_quantity,
       document_type, document_ref, status, expires_at, warehouse_id, product_id)
VALUES (now(), now(), :q, :q, 'pgbench', 'P', 'open', NULL, :wid, :p3);
INSERT INTO bench_order_line (order_id, line_number, sku, product_id, unit_price, quantity)
SELECT currval('bench_order_id_seq'), n, 'SKU', p, 10.00, :q
  FROM (VALUES (1, :p1), (2, :p2), (3, :p3)) AS l(n, p);
END;
