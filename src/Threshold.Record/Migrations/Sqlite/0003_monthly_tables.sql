-- 0003: bitemporal monthly tables for the real CBP/OHSS layouts in data/source (MonthlyImports).
-- Kept to SQL that PostgreSQL also accepts.

-- One row per recorded import of a monthly file. An import that changes nothing writes no row.
CREATE TABLE monthly_import (
    import_id         INTEGER PRIMARY KEY,
    table_name        TEXT    NOT NULL CHECK (table_name IN ('cbp_sbo_monthly', 'khsm_monthly')),
    layout            TEXT    NOT NULL CHECK (layout <> ''),   -- cbp-sbo, cbp-sbo-tableau, khsm-region, khsm-region-sector …
    source_name       TEXT    NOT NULL,
    content_sha256    TEXT    NOT NULL CHECK (length(content_sha256) = 64),
    recorded_at       TEXT    NOT NULL,                        -- uuuu-MM-ddTHH:mm:ss.ffffffZ
    row_count         INTEGER NOT NULL CHECK (row_count >= 0),
    new_row_count     INTEGER NOT NULL CHECK (new_row_count >= 0),
    revised_row_count INTEGER NOT NULL CHECK (revised_row_count >= 0)
);

CREATE INDEX ix_monthly_import_table ON monthly_import (table_name, recorded_at);

-- CBP "Southwest Land Border Encounters": one row per (month, component, demographic, citizenship grouping, title,
-- encounter type, revision). A revision is never updated or deleted: a later import that changes a cell adds a row.
CREATE TABLE cbp_sbo_monthly (
    year_month           TEXT    NOT NULL CHECK (length(year_month) = 7),   -- calendar yyyy-MM (OCT-DEC: FY - 1)
    component            TEXT    NOT NULL CHECK (component <> ''),
    demographic          TEXT    NOT NULL CHECK (demographic <> ''),        -- 'UC / Single Minors' (older name) stored as UAC
    citizenship_grouping TEXT    NOT NULL CHECK (citizenship_grouping <> ''),
    title_of_authority   TEXT    NOT NULL CHECK (title_of_authority <> ''),
    encounter_type       TEXT    NOT NULL CHECK (encounter_type <> ''),
    recorded_at          TEXT    NOT NULL,
    import_id            INTEGER NOT NULL REFERENCES monthly_import (import_id),
    fiscal_year          TEXT    NOT NULL CHECK (fiscal_year <> ''),        -- as given: 2024, 2025 (FYTD)
    demographic_label    TEXT    NOT NULL CHECK (demographic_label <> ''),  -- the Demographic as given in the file
    month_abbv           TEXT    NOT NULL CHECK (length(month_abbv) = 3),   -- OCT … SEP
    month_grouping       TEXT,                                               -- FYTD / Remaining; NULL in the tableau layout
    encounter_count      INTEGER NOT NULL CHECK (encounter_count >= 0),
    PRIMARY KEY (year_month, component, demographic, citizenship_grouping, title_of_authority, encounter_type, import_id)
);

CREATE INDEX ix_cbp_sbo_monthly_as_of ON cbp_sbo_monthly (year_month, recorded_at);

-- OHSS KHSM "CBP Encounters - USBP" monthly sheets: one row per (breakdown, region, breakdown value, month, revision).
-- breakdown is the file's extra column (Sector, Family Status, Citizenship) or NULL for the region-only file, in
-- which case breakdown_value is NULL too.
CREATE TABLE khsm_monthly (
    breakdown       TEXT    CHECK (breakdown IN ('Sector', 'Family Status', 'Citizenship')),
    region          TEXT    NOT NULL CHECK (region <> ''),
    breakdown_value TEXT,
    year_month      TEXT    NOT NULL CHECK (length(year_month) = 7),
    recorded_at     TEXT    NOT NULL,
    import_id       INTEGER NOT NULL REFERENCES monthly_import (import_id),
    fiscal_year     INTEGER NOT NULL,
    month_label     TEXT    NOT NULL CHECK (month_label <> ''),              -- as given: 01 October … 12 September
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    calendar_year   INTEGER NOT NULL,
    calendar_month  INTEGER NOT NULL CHECK (calendar_month BETWEEN 1 AND 12),
    CHECK ((breakdown IS NULL AND breakdown_value IS NULL) OR (breakdown IS NOT NULL AND breakdown_value IS NOT NULL AND breakdown_value <> ''))
);

CREATE UNIQUE INDEX ux_khsm_monthly ON khsm_monthly (COALESCE(breakdown, ''), region, COALESCE(breakdown_value, ''), year_month, import_id);
CREATE INDEX ix_khsm_monthly_as_of ON khsm_monthly (year_month, recorded_at);
