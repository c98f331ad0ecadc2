-- The Citus multi-tenant tutorial tables, with its columns in its order, so that the
-- tutorial's CSV files load as they are. Every key includes the tenant, company_id.

CREATE TABLE IF NOT EXISTS companies (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    image_url  text,
    created_at timestamp without time zone NOT NULL DEFAULT now(),
    updated_at timestamp without time zone NOT NULL DEFAULT now()
);
SELECT distribushop_distributed_table('companies', 'id');

CREATE TABLE IF NOT EXISTS campaigns (
    id                    bigserial,
    company_id            bigint NOT NULL REFERENCES companies (id),
    name                  text   NOT NULL,
    cost_model            text   NOT NULL CHECK (cost_model IN ('cost_per_click', 'cost_per_impression')),
    state                 text   NOT NULL CHECK (state IN ('draft', 'running', 'paused', 'archived', 'completed')),
    monthly_budget        bigint CHECK (monthly_budget >= 0),
    blacklisted_site_urls text[],
    created_at            timestamp without time zone NOT NULL DEFAULT now(),
    updated_at            timestamp without time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id)
);
CREATE INDEX IF NOT EXISTS campaigns_company_budget ON campaigns (company_id, monthly_budget DESC, id);
SELECT distribushop_distributed_table('campaigns', 'company_id', 'companies');

CREATE TABLE IF NOT EXISTS ads (
    id                bigserial,
    company_id        bigint NOT NULL,
    campaign_id       bigint NOT NULL,
    name              text   NOT NULL,
    image_url         text,
    target_url        text,
    impressions_count bigint NOT NULL DEFAULT 0 CHECK (impressions_count >= 0),
    clicks_count      bigint NOT NULL DEFAULT 0 CHECK (clicks_count >= 0),
    created_at        timestamp without time zone NOT NULL DEFAULT now(),
    updated_at        timestamp without time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, campaign_id) REFERENCES campaigns (company_id, id)
);
CREATE INDEX IF NOT EXISTS ads_company_campaign ON ads (company_id, campaign_id);
SELECT distribushop_distributed_table('ads', 'company_id', 'companies');

CREATE TABLE IF NOT EXISTS clicks (
    id                 bigserial,
    company_id         bigint NOT NULL,
    ad_id              bigint NOT NULL,
    clicked_at         timestamp without time zone NOT NULL,
    site_url           text NOT NULL,
    cost_per_click_usd numeric(20, 10) CHECK (cost_per_click_usd >= 0),
    user_ip            inet NOT NULL,
    user_data          jsonb NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, ad_id) REFERENCES ads (company_id, id)
);
CREATE INDEX IF NOT EXISTS clicks_company_ad ON clicks (company_id, ad_id);
SELECT distribushop_distributed_table('clicks', 'company_id', 'companies');

CREATE TABLE IF NOT EXISTS impressions (
    id                      bigserial,
    company_id              bigint NOT NULL,
    ad_id                   bigint NOT NULL,
    seen_at                 timestamp without time zone NOT NULL,
    site_url                text NOT NULL,
    cost_per_impression_usd numeric(20, 10) CHECK (cost_per_impression_usd >= 0),
    user_ip                 inet NOT NULL,
    user_data               jsonb NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, ad_id) REFERENCES ads (company_id, id)
);
CREATE INDEX IF NOT EXISTS impressions_company_ad ON impressions (company_id, ad_id);
SELECT distribushop_distributed_table('impressions', 'company_id', 'companies');
