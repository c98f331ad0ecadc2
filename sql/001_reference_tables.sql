-- Shared lookups: reference tables, copied to every node on Citus.

CREATE TABLE IF NOT EXISTS currencies (
    code        char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name        text    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    minor_units smallint NOT NULL DEFAULT 2 CHECK (minor_units BETWEEN 0 AND 4)
);
SELECT distribushop_reference_table('currencies');

INSERT INTO currencies (code, name, minor_units) VALUES
    ('USD', 'US Dollar', 2),
    ('EUR', 'Euro', 2),
    ('GBP', 'Pound Sterling', 2),
    ('JPY', 'Yen', 0)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE IF NOT EXISTS categories (
    slug text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
);
SELECT distribushop_reference_table('categories');

INSERT INTO categories (slug, name) VALUES
    ('apparel', 'Apparel'),
    ('books', 'Books'),
    ('electronics', 'Electronics'),
    ('garden', 'Home & Garden'),
    ('grocery', 'Grocery'),
    ('sports', 'Sports & Outdoors'),
    ('toys', 'Toys & Games')
ON CONFLICT (slug) DO NOTHING;

-- The Citus tutorial's IP-range geolocation table.
CREATE TABLE IF NOT EXISTS geo_ips (
    addrs  cidr  NOT NULL PRIMARY KEY,
    latlon point NOT NULL
        CHECK (-90 <= latlon[0] AND latlon[0] <= 90 AND -180 <= latlon[1] AND latlon[1] <= 180)
);
CREATE INDEX IF NOT EXISTS geo_ips_addrs_gist ON geo_ips USING gist (addrs inet_ops);
SELECT distribushop_reference_table('geo_ips');
