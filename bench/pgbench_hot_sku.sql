-- The raw-Postgres ceiling for one reservation on a hot SKU: the same conditional UPDATE of the
-- warehouse balance (available >= 1 in the WHERE clause) and the same INSERT of a commitment row
-- that inventory.services.commitment_create does, in one transaction.
-- Run by bench_hot_sku.py --pgbench:  pgbench -n -f pgbench_hot_sku.sql -D pid=.. -D wid=.. -c N -T S
-- A data-modifying CTE makes the INSERT happen only when the UPDATE found available stock.
WITH reserved AS (
  UPDATE inventory_inventorybalance
     SET committed = committed + 1, version = version + 1, updated_at = now()
   WHERE product_id = :pid AND warehouse_id = :wid AND on_hand >= committed + unavailable + 1
  RETURNING 1
)
INSERT INTO inventory_commitment
       (created_at, updated_at, quantity, original_quantity, document_type, document_ref, status,
        expires_at, warehouse_id, product_id)
SELECT now(), now(), 1, 1, 'pgbench', :client_id, 'open', NULL, :wid, :pid FROM reserved;
