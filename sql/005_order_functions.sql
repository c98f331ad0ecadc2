-- Placing and cancelling an order as one function call each. On Citus each function is
-- distributed on its company argument and co-located with companies, so the coordinator
-- delegates a call (a plain `SELECT fn(...)` outside a transaction block) whole to the
-- worker that holds the tenant's shard group: one round trip from the coordinator instead
-- of one per statement. On plain PostgreSQL the same functions run where they are.
--
-- Errors carry SQLSTATEs of their own class (DS), which lib/shop/orders.ts turns into the
-- API's problem responses:
--   DS404  a company, customer or product that does not exist (MESSAGE says which)
--   DS409  not enough stock (DETAIL: a JSON array of {productId, requested, available})
--   DS410  an order that can no longer be cancelled (shipped)
--   DS422  an Idempotency-Key already used with another request
--
-- Ids are never drawn on a worker: the caller passes the order's id (and a new customer's)
-- from the coordinator's sequences, so ids stay small, exact as JSON numbers, and in time
-- order whatever worker (Citus group) a tenant lives on or moves to.

-- Makes a function distributed on one of its arguments and co-located with a table, so
-- that Citus delegates a call to the worker holding that argument's shard; without a
-- distribution argument, only creates the function on every node (for functions that
-- delegated ones call). Does nothing on plain PostgreSQL. Re-running is a no-op.
CREATE OR REPLACE FUNCTION distribushop_distributed_function(
    function_signature regprocedure, distribution_arg text DEFAULT NULL, colocate_with text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT distribushop_has_citus() THEN
        RETURN format('%s: plain function (no Citus)', function_signature);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_dist_object
               WHERE classid = 'pg_proc'::regclass AND objid = function_signature::oid
                 AND (distribution_arg IS NULL OR distribution_argument_index IS NOT NULL)) THEN
        RETURN format('%s: already distributed', function_signature);
    END IF;
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    IF distribution_arg IS NULL THEN
        PERFORM create_distributed_function(function_signature);
        RETURN format('%s: created on every node', function_signature);
    END IF;
    PERFORM create_distributed_function(function_signature, distribution_arg, colocate_with => colocate_with);
    RETURN format('%s: distributed by %s, co-located with %s', function_signature, distribution_arg, colocate_with);
END
$$;

-- The API's JSON text of an order: the same keys, order and formats as lib/shop/orders.ts
-- builds for GET (camelCase, integer cents, createdAt in UTC with milliseconds). Stored
-- under the Idempotency-Key and sent as it is, so a replay is the same bytes. `items` is
-- the items' texts (distribushop_order_item_text), joined by commas, in product-id order.
CREATE OR REPLACE FUNCTION distribushop_order_text(
    p_id bigint, p_company_id bigint, p_customer_id bigint, p_status text, p_total_cents bigint,
    p_currency text, p_items text, p_created_at timestamptz
) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format(
        '{"id":%s,"companyId":%s,"customerId":%s,"status":%s,"totalCents":%s,"currency":%s,"items":[%s],"createdAt":"%s"}',
        p_id, p_company_id, p_customer_id, to_json(p_status), p_total_cents, to_json(p_currency),
        p_items, to_char(p_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;

CREATE OR REPLACE FUNCTION distribushop_order_item_text(p_product_id bigint, p_quantity integer, p_unit_price_cents bigint)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format('{"productId":%s,"quantity":%s,"unitPriceCents":%s}', p_product_id, p_quantity, p_unit_price_cents)
$$;

-- An order as it is now, read back: what cancelling returns.
CREATE OR REPLACE FUNCTION distribushop_order_json(p_company_id bigint, p_order_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- PL/pgSQL, not an SQL function: Citus plans no parameterized statement on a
    -- distributed table inside an SQL function.
    RETURN (
        SELECT distribushop_order_text(
            o.id, o.company_id, o.customer_id, o.status, o.total_cents, o.currency::text,
            coalesce((SELECT string_agg(distribushop_order_item_text(i.product_id, i.quantity, i.unit_price_cents),
                                        ',' ORDER BY i.product_id)
                        FROM order_items i WHERE i.company_id = p_company_id AND i.order_id = p_order_id), ''),
            o.created_at)
          FROM orders o WHERE o.company_id = p_company_id AND o.id = p_order_id);
END
$$;

-- Places an order: claims the Idempotency-Key (or replays what it stored), finds the
-- customer (p_customer_id) or finds or creates one by email, takes the stock with a
-- conditional update in product-id order (no oversell, no deadlock), prices the items
-- from the database, inserts the order and its items and stores the response.
-- Returns {"replayed": bool, "response": the order's JSON text}.
CREATE OR REPLACE FUNCTION distribushop_place_order(
    p_company_id      bigint,
    p_key             text,
    p_request_hash    text,
    p_ttl_hours       integer,
    p_order_id        bigint,
    p_customer_id     bigint,
    p_new_customer_id bigint,
    p_email           text,
    p_name            text,
    p_product_ids     bigint[],
    p_quantities      integer[]
) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_claimed     integer;
    v_stored      record;
    v_customer_id bigint;
    v_item        record;
    v_price       bigint;
    v_stock       integer;
    v_product_ids bigint[]  := '{}';
    v_quantities  integer[] := '{}';
    v_prices      bigint[]  := '{}';
    v_items       text[]    := '{}';
    v_order       record;
    v_short       text[]    := '{}';
    v_short_text  text[]    := '{}';
    v_missing     bigint[]  := '{}';
    v_total       bigint    := 0;
    v_response    text;
BEGIN
    PERFORM 1 FROM companies WHERE id = p_company_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DS404', MESSAGE = format('Company %s does not exist', p_company_id);
    END IF;

    -- Claim the key, or take over one that has expired. A concurrent call with the same
    -- key waits here until the first commits, then finds the key taken and replays. ON
    -- CONFLICT DO UPDATE locks the existing row even when its WHERE is false, so the row
    -- read below cannot be purged in between. (EXCLUDED.created_at is this call's now().)
    INSERT INTO idempotency_keys (company_id, key, request_hash, status_code, response, expires_at)
    VALUES (p_company_id, p_key, p_request_hash, 202, '{}', now() + make_interval(hours => p_ttl_hours))
    ON CONFLICT (company_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status_code = 202, response = '{}', order_id = NULL,
           created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
     WHERE idempotency_keys.expires_at <= EXCLUDED.created_at;
    GET DIAGNOSTICS v_claimed = ROW_COUNT;
    IF v_claimed = 0 THEN
        SELECT request_hash, response INTO v_stored
          FROM idempotency_keys WHERE company_id = p_company_id AND key = p_key;
        IF v_stored.request_hash <> p_request_hash THEN
            RAISE EXCEPTION USING ERRCODE = 'DS422', MESSAGE = format(
                'Idempotency-Key %s was already used for a different order; use a new key for a new order', p_key);
        END IF;
        RETURN json_build_object('replayed', true, 'response', v_stored.response);
    END IF;

    IF p_customer_id IS NOT NULL THEN
        PERFORM 1 FROM customers WHERE company_id = p_company_id AND id = p_customer_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'DS404',
                MESSAGE = format('Customer %s does not exist in company %s', p_customer_id, p_company_id);
        END IF;
        v_customer_id := p_customer_id;
    ELSE
        -- A known email is the same customer; the stored name is kept.
        INSERT INTO customers (company_id, id, email, name)
        VALUES (p_company_id, p_new_customer_id, p_email, p_name)
        ON CONFLICT (company_id, email) DO UPDATE SET email = EXCLUDED.email
        RETURNING id INTO v_customer_id;
    END IF;

    -- Merged by product and in product-id order: the order every order takes its row locks in.
    FOR v_item IN
        SELECT u.product_id, sum(u.quantity)::integer AS quantity
          FROM unnest(p_product_ids, p_quantities) AS u(product_id, quantity)
         GROUP BY u.product_id ORDER BY u.product_id
    LOOP
        UPDATE products SET stock = stock - v_item.quantity, updated_at = now()
         WHERE company_id = p_company_id AND id = v_item.product_id AND stock >= v_item.quantity
        RETURNING price_cents INTO v_price;
        IF FOUND THEN
            v_product_ids := v_product_ids || v_item.product_id;
            v_quantities := v_quantities || v_item.quantity;
            v_prices := v_prices || v_price;
            v_items := v_items || distribushop_order_item_text(v_item.product_id, v_item.quantity, v_price);
            v_total := v_total + v_item.quantity * v_price;
            CONTINUE;
        END IF;
        SELECT stock INTO v_stock FROM products WHERE company_id = p_company_id AND id = v_item.product_id;
        IF FOUND THEN
            v_short := v_short || format('{"productId":%s,"requested":%s,"available":%s}',
                                         v_item.product_id, v_item.quantity, v_stock);
            v_short_text := v_short_text || format('product %s (requested %s, available %s)',
                                                   v_item.product_id, v_item.quantity, v_stock);
        ELSE
            v_missing := v_missing || v_item.product_id;
        END IF;
    END LOOP;
    -- Raising rolls back everything this call wrote: the key, the customer, the stock taken.
    IF cardinality(v_missing) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'DS404', MESSAGE = format('%s %s %s not exist in company %s',
            CASE WHEN cardinality(v_missing) > 1 THEN 'Products' ELSE 'Product' END,
            array_to_string(v_missing, ', '),
            CASE WHEN cardinality(v_missing) > 1 THEN 'do' ELSE 'does' END,
            p_company_id);
    END IF;
    IF cardinality(v_short) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'DS409',
            MESSAGE = format('Not enough stock for %s', array_to_string(v_short_text, ', ')),
            DETAIL = format('[%s]', array_to_string(v_short, ','));
    END IF;

    INSERT INTO orders (company_id, id, customer_id, total_cents)
    VALUES (p_company_id, p_order_id, v_customer_id, v_total)
    RETURNING status, currency::text AS currency, created_at INTO v_order;
    FOR i IN 1 .. cardinality(v_product_ids) LOOP
        INSERT INTO order_items (company_id, order_id, product_id, quantity, unit_price_cents)
        VALUES (p_company_id, p_order_id, v_product_ids[i], v_quantities[i], v_prices[i]);
    END LOOP;

    -- What distribushop_order_json() would read back, from what this call wrote.
    v_response := distribushop_order_text(p_order_id, p_company_id, v_customer_id, v_order.status, v_total,
                                          v_order.currency, array_to_string(v_items, ','), v_order.created_at);
    UPDATE idempotency_keys SET order_id = p_order_id, status_code = 201, response = v_response
     WHERE company_id = p_company_id AND key = p_key;
    RETURN json_build_object('replayed', false, 'response', v_response);
END
$$;

-- Cancels a placed or paid order and puts its items back in stock, in product-id order
-- (the order placing takes its locks in). Cancelling again changes nothing; a shipped
-- order is DS410. Returns the order's JSON text as GET shows it.
CREATE OR REPLACE FUNCTION distribushop_cancel_order(p_company_id bigint, p_order_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_item   record;
BEGIN
    SELECT status INTO v_status FROM orders WHERE company_id = p_company_id AND id = p_order_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DS404',
            MESSAGE = format('Order %s does not exist in company %s', p_order_id, p_company_id);
    END IF;
    IF v_status = 'shipped' THEN
        RAISE EXCEPTION USING ERRCODE = 'DS410',
            MESSAGE = format('Order %s has shipped and can no longer be cancelled', p_order_id);
    END IF;
    IF v_status <> 'cancelled' THEN
        FOR v_item IN
            SELECT product_id, quantity FROM order_items
             WHERE company_id = p_company_id AND order_id = p_order_id ORDER BY product_id
        LOOP
            -- Stock set back up by hand since the order took it can leave no room to
            -- restock (products.stock is an integer): a conflict, and nothing changes.
            UPDATE products SET stock = stock + v_item.quantity, updated_at = now()
             WHERE company_id = p_company_id AND id = v_item.product_id
               AND stock <= 2147483647 - v_item.quantity;
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'DS410',
                    MESSAGE = format('Cancelling order %s would take product %s over the most stock a product can hold (2147483647)',
                                     p_order_id, v_item.product_id);
            END IF;
        END LOOP;
        UPDATE orders SET status = 'cancelled', updated_at = now() WHERE company_id = p_company_id AND id = p_order_id;
    END IF;
    RETURN distribushop_order_json(p_company_id, p_order_id);
END
$$;

SELECT distribushop_distributed_function('distribushop_order_text(bigint, bigint, bigint, text, bigint, text, text, timestamptz)');
SELECT distribushop_distributed_function('distribushop_order_item_text(bigint, integer, bigint)');
SELECT distribushop_distributed_function('distribushop_order_json(bigint, bigint)');
SELECT distribushop_distributed_function(
    'distribushop_place_order(bigint, text, text, integer, bigint, bigint, bigint, text, text, bigint[], integer[])',
    'p_company_id', 'companies');
SELECT distribushop_distributed_function('distribushop_cancel_order(bigint, bigint)', 'p_company_id', 'companies');
