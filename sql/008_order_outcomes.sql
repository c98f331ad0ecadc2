-- The order functions return every business outcome instead of raising it.
--
-- When a delegated call raises, Citus drops the coordinator's connection to the worker
-- that ran it, and the next call pays a new backend on that worker and its metadata load:
-- 60 to 110 ms per refused order, serialized under load, so a sold-out product stalled
-- every order of the cluster. Here a refusal (unknown company, customer, product or
-- order; not enough stock; a key used for another request; an order that can no longer
-- be cancelled) is a result, a JSON object with a `status`, and the call ends normally.
-- Only real failures (a constraint the API should have prevented, a lock wait past the
-- statement timeout, a node going away) still raise.
--
-- Nothing may be left half written by a refusal, and the call no longer raises to roll
-- back, so every check comes before the first write:
--   * refused from what is committed: a read of the customer and the products, no lock
--     and no write at all (a flash sale's losers never queue on the hot product's row);
--     the key is only read, so that a retry of a placed order still gets its replay;
--   * otherwise the key is claimed (a concurrent call with the same key waits here, as
--     before), the products are locked in product-id order and checked again; a call that
--     lost the race for the last units deletes the key it claimed and is refused;
--   * then the writes: the customer, the stock, the order, its items, the stored response.
--
-- lib/shop/orders.ts turns each status into the API's answer (test/unit/orders-logic.test.ts
-- holds the statuses of this file and of that module equal):
--   placed, replayed            {"status", "response": the order's JSON text}
--   not_found, key_reused       {"status", "detail": what the API says}
--   insufficient_stock          {"status", "products": [{productId, requested, available}]}
--   cancelled                   {"status", "order": the order as GET shows it}
--   not_cancellable             {"status", "detail"}

-- Why an order cannot be placed, from the customer and the products as they are now, or
-- NULL when it can. With p_lock, the products' rows are locked first, in product-id order.
-- Precedence as the API answers: an unknown customer, then unknown products (all named),
-- then every short product.
CREATE OR REPLACE FUNCTION distribushop_order_refusal(
    p_company_id bigint, p_customer_id bigint, p_product_ids bigint[], p_quantities integer[], p_lock boolean
) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_item    record;
    v_stock   integer;
    v_missing bigint[] := '{}';
    v_short   json[]   := '{}';
BEGIN
    IF p_customer_id IS NOT NULL THEN
        PERFORM 1 FROM customers WHERE company_id = p_company_id AND id = p_customer_id;
        IF NOT FOUND THEN
            RETURN json_build_object('status', 'not_found', 'detail',
                format('Customer %s does not exist in company %s', p_customer_id, p_company_id));
        END IF;
    END IF;
    FOR v_item IN
        SELECT u.product_id, sum(u.quantity)::integer AS quantity
          FROM unnest(p_product_ids, p_quantities) AS u(product_id, quantity)
         GROUP BY u.product_id ORDER BY u.product_id
    LOOP
        IF p_lock THEN
            SELECT stock INTO v_stock FROM products
             WHERE company_id = p_company_id AND id = v_item.product_id FOR UPDATE;
        ELSE
            SELECT stock INTO v_stock FROM products WHERE company_id = p_company_id AND id = v_item.product_id;
        END IF;
        IF NOT FOUND THEN
            v_missing := v_missing || v_item.product_id;
        ELSIF v_stock < v_item.quantity THEN
            v_short := v_short || json_build_object(
                'productId', v_item.product_id, 'requested', v_item.quantity, 'available', v_stock);
        END IF;
    END LOOP;
    IF cardinality(v_missing) > 0 THEN
        RETURN json_build_object('status', 'not_found', 'detail', format('%s %s %s not exist in company %s',
            CASE WHEN cardinality(v_missing) > 1 THEN 'Products' ELSE 'Product' END,
            array_to_string(v_missing, ', '),
            CASE WHEN cardinality(v_missing) > 1 THEN 'do' ELSE 'does' END,
            p_company_id));
    END IF;
    IF cardinality(v_short) > 0 THEN
        RETURN json_build_object('status', 'insufficient_stock', 'products', array_to_json(v_short));
    END IF;
    RETURN NULL;
END
$$;

-- What a call whose key is already taken answers: the stored order for the same request,
-- a refusal for another one.
CREATE OR REPLACE FUNCTION distribushop_stored_outcome(
    p_key text, p_request_hash text, p_stored_hash text, p_stored_response text
) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_stored_hash = p_request_hash
        THEN json_build_object('status', 'replayed', 'response', p_stored_response)
        ELSE json_build_object('status', 'key_reused', 'detail', format(
            'Idempotency-Key %s was already used for a different order; use a new key for a new order', p_key))
    END
$$;

-- Places an order (see the top of this file). Returns its outcome.
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
    v_refusal     json;
    v_price       bigint;
    v_product_ids bigint[]  := '{}';
    v_quantities  integer[] := '{}';
    v_prices      bigint[]  := '{}';
    v_items       text[]    := '{}';
    v_total       bigint    := 0;
    v_order       record;
    v_response    text;
BEGIN
    PERFORM 1 FROM companies WHERE id = p_company_id;
    IF NOT FOUND THEN
        RETURN json_build_object('status', 'not_found', 'detail', format('Company %s does not exist', p_company_id));
    END IF;

    -- From what is committed, without a lock: an order that cannot be placed is refused here.
    v_refusal := distribushop_order_refusal(p_company_id, p_customer_id, p_product_ids, p_quantities, false);
    IF v_refusal IS NOT NULL THEN
        -- The key decides first: a retry of an order placed with it is its replay even once
        -- the stock is gone. A call with this key still running is not seen; this call is
        -- then refused as if it had come first, which it might have.
        SELECT request_hash, response INTO v_stored
          FROM idempotency_keys WHERE company_id = p_company_id AND key = p_key AND expires_at > now();
        IF NOT FOUND THEN
            RETURN v_refusal;
        END IF;
        RETURN distribushop_stored_outcome(p_key, p_request_hash, v_stored.request_hash, v_stored.response);
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
        RETURN distribushop_stored_outcome(p_key, p_request_hash, v_stored.request_hash, v_stored.response);
    END IF;

    -- Again with the products locked, in product-id order: the order every order takes its
    -- row locks in (no deadlock), after the key (as every call takes them). Another order
    -- may have taken the last units since the first look: then the claim is given back.
    v_refusal := distribushop_order_refusal(p_company_id, p_customer_id, p_product_ids, p_quantities, true);
    IF v_refusal IS NOT NULL THEN
        DELETE FROM idempotency_keys WHERE company_id = p_company_id AND key = p_key;
        RETURN v_refusal;
    END IF;

    IF p_customer_id IS NOT NULL THEN
        v_customer_id := p_customer_id;
    ELSE
        -- A known email is the same customer; the stored name is kept.
        INSERT INTO customers (company_id, id, email, name)
        VALUES (p_company_id, p_new_customer_id, p_email, p_name)
        ON CONFLICT (company_id, email) DO UPDATE SET email = EXCLUDED.email
        RETURNING id INTO v_customer_id;
    END IF;

    -- The rows are locked and were checked, so every update finds its row; the condition
    -- only keeps a bug from overselling.
    FOR v_item IN
        SELECT u.product_id, sum(u.quantity)::integer AS quantity
          FROM unnest(p_product_ids, p_quantities) AS u(product_id, quantity)
         GROUP BY u.product_id ORDER BY u.product_id
    LOOP
        UPDATE products SET stock = stock - v_item.quantity, updated_at = now()
         WHERE company_id = p_company_id AND id = v_item.product_id AND stock >= v_item.quantity
        RETURNING price_cents INTO STRICT v_price;
        v_product_ids := v_product_ids || v_item.product_id;
        v_quantities := v_quantities || v_item.quantity;
        v_prices := v_prices || v_price;
        v_items := v_items || distribushop_order_item_text(v_item.product_id, v_item.quantity, v_price);
        v_total := v_total + v_item.quantity * v_price;
    END LOOP;

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
    RETURN json_build_object('status', 'placed', 'response', v_response);
END
$$;

-- Cancels a placed or paid order and puts its items back in stock, in product-id order
-- (the order placing takes its locks in). Cancelling again changes nothing. Refused,
-- with nothing changed: an unknown order, a shipped one, and one whose restock would take
-- a product over the most stock a row holds (stock set back up by hand since the order).
-- Its result was text; a result of another type is a new function, made and distributed
-- again below.
DROP FUNCTION IF EXISTS distribushop_cancel_order(bigint, bigint);
CREATE FUNCTION distribushop_cancel_order(p_company_id bigint, p_order_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_item   record;
    v_stock  integer;
BEGIN
    SELECT status INTO v_status FROM orders WHERE company_id = p_company_id AND id = p_order_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN json_build_object('status', 'not_found', 'detail',
            format('Order %s does not exist in company %s', p_order_id, p_company_id));
    END IF;
    IF v_status = 'shipped' THEN
        RETURN json_build_object('status', 'not_cancellable', 'detail',
            format('Order %s has shipped and can no longer be cancelled', p_order_id));
    END IF;
    IF v_status <> 'cancelled' THEN
        -- Every product's room first, its row locked, so that a refusal changes nothing.
        FOR v_item IN
            SELECT product_id, quantity FROM order_items
             WHERE company_id = p_company_id AND order_id = p_order_id ORDER BY product_id
        LOOP
            SELECT stock INTO v_stock FROM products
             WHERE company_id = p_company_id AND id = v_item.product_id FOR UPDATE;
            IF v_stock > 2147483647 - v_item.quantity THEN
                RETURN json_build_object('status', 'not_cancellable', 'detail', format(
                    'Cancelling order %s would take product %s over the most stock a product can hold (2147483647)',
                    p_order_id, v_item.product_id));
            END IF;
        END LOOP;
        FOR v_item IN
            SELECT product_id, quantity FROM order_items
             WHERE company_id = p_company_id AND order_id = p_order_id ORDER BY product_id
        LOOP
            UPDATE products SET stock = stock + v_item.quantity, updated_at = now()
             WHERE company_id = p_company_id AND id = v_item.product_id;
        END LOOP;
        UPDATE orders SET status = 'cancelled', updated_at = now() WHERE company_id = p_company_id AND id = p_order_id;
    END IF;
    RETURN json_build_object('status', 'cancelled', 'order', distribushop_order_json(p_company_id, p_order_id)::json);
END
$$;

SELECT distribushop_distributed_function('distribushop_order_refusal(bigint, bigint, bigint[], integer[], boolean)');
SELECT distribushop_distributed_function('distribushop_stored_outcome(text, text, text, text)');
SELECT distribushop_distributed_function('distribushop_cancel_order(bigint, bigint)', 'p_company_id', 'companies');
