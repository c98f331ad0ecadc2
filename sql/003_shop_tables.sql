-- The shop. Every table carries company_id and every key and foreign key between these
-- tables includes it, so a tenant's rows share one shard group and an order is a
-- single-shard transaction.

CREATE TABLE IF NOT EXISTS products (
    company_id    bigint NOT NULL REFERENCES companies (id),
    id            bigserial,
    name          text   NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    sku           text   NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    price_cents   bigint NOT NULL CHECK (price_cents >= 0),
    currency      char(3) NOT NULL DEFAULT 'USD',
    stock         integer NOT NULL CHECK (stock >= 0),
    category_slug text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, sku)
);
CREATE INDEX IF NOT EXISTS products_company_name ON products (company_id, lower(name), id);
SELECT distribushop_distributed_table('products', 'company_id', 'companies');
SELECT distribushop_add_foreign_key('products', 'products_currency_fkey', 'FOREIGN KEY (currency) REFERENCES currencies (code)');
SELECT distribushop_add_foreign_key('products', 'products_category_fkey', 'FOREIGN KEY (category_slug) REFERENCES categories (slug)');

CREATE TABLE IF NOT EXISTS customers (
    company_id bigint NOT NULL REFERENCES companies (id),
    id         bigserial,
    email      text   NOT NULL CHECK (email = lower(email) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    name       text   NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, email)
);
SELECT distribushop_distributed_table('customers', 'company_id', 'companies');

CREATE TABLE IF NOT EXISTS orders (
    company_id  bigint NOT NULL,
    id          bigserial,
    customer_id bigint NOT NULL,
    status      text   NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'paid', 'shipped', 'cancelled')),
    total_cents bigint NOT NULL CHECK (total_cents >= 0),
    currency    char(3) NOT NULL DEFAULT 'USD',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id)
);
CREATE INDEX IF NOT EXISTS orders_company_customer ON orders (company_id, customer_id, id DESC);
SELECT distribushop_distributed_table('orders', 'company_id', 'companies');
SELECT distribushop_add_foreign_key('orders', 'orders_currency_fkey', 'FOREIGN KEY (currency) REFERENCES currencies (code)');

CREATE TABLE IF NOT EXISTS order_items (
    company_id       bigint  NOT NULL,
    order_id         bigint  NOT NULL,
    product_id       bigint  NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint  NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (company_id, order_id, product_id),
    FOREIGN KEY (company_id, order_id) REFERENCES orders (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id)
);
CREATE INDEX IF NOT EXISTS order_items_company_product ON order_items (company_id, product_id);
SELECT distribushop_distributed_table('order_items', 'company_id', 'companies');

-- The stored outcome of a request made with an Idempotency-Key, so a retry gets the same answer.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    company_id   bigint NOT NULL REFERENCES companies (id),
    key          text   NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash text   NOT NULL,
    order_id     bigint,
    status_code  integer NOT NULL CHECK (status_code BETWEEN 200 AND 599),
    response     jsonb  NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (company_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON idempotency_keys (expires_at);
SELECT distribushop_distributed_table('idempotency_keys', 'company_id', 'companies');
