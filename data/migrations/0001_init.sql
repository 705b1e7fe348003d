-- 0001: the council workspace.
--
-- Points and percentages are INTEGER hundredths (index.Points, index.Percent),
-- never REAL: every such column is checked with typeof() = 'integer'.
-- Text is Unicode NFC; the program normalises it on the way in.
-- Every table below except schema_migrations, audit_tx and audit is audited: each row's
-- current content must equal the latest "new" value the audit log holds for it.

CREATE TABLE frameworks (
    code     TEXT    NOT NULL,
    version  INTEGER NOT NULL CHECK (version >= 1),
    name     TEXT    NOT NULL,
    year     INTEGER NOT NULL,
    sample   INTEGER NOT NULL CHECK (sample IN (0, 1)),
    total    INTEGER NOT NULL CHECK (typeof(total) = 'integer'),
    leaves   INTEGER NOT NULL,
    body     TEXT    NOT NULL, -- the validated index.Framework as JSON, criteria tree included
    PRIMARY KEY (code, version)
) WITHOUT ROWID;

CREATE TABLE periods (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    round          TEXT    NOT NULL CHECK (round IN ('mid-year', 'full-year')),
    name           TEXT    NOT NULL,
    rule           TEXT    NOT NULL CHECK (rule IN ('assigned', 'mean', 'median')),
    threshold      INTEGER NOT NULL CHECK (typeof(threshold) = 'integer' AND threshold BETWEEN 0 AND 10000),
    finalized      INTEGER NOT NULL DEFAULT 0 CHECK (finalized IN (0, 1)),
    finalized_at   TEXT    NOT NULL DEFAULT '',
    results_digest TEXT    NOT NULL DEFAULT '',
    audit_head     TEXT    NOT NULL DEFAULT '',
    UNIQUE (year, round)
);

CREATE TABLE period_settings (
    period_id INTEGER NOT NULL REFERENCES periods (id),
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (period_id, key)
) WITHOUT ROWID;

CREATE TABLE blocks (
    seq               INTEGER PRIMARY KEY, -- keeps the order blocks were added in
    period_id         INTEGER NOT NULL REFERENCES periods (id),
    code              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    framework_code    TEXT    NOT NULL,
    framework_version INTEGER NOT NULL,
    UNIQUE (period_id, code),
    FOREIGN KEY (framework_code, framework_version) REFERENCES frameworks (code, version)
);

CREATE TABLE units (
    seq       INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES periods (id),
    code      TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    block     TEXT    NOT NULL,
    active    INTEGER NOT NULL CHECK (active IN (0, 1)),
    UNIQUE (period_id, code),
    FOREIGN KEY (period_id, block) REFERENCES blocks (period_id, code)
);

CREATE TABLE members (
    seq             INTEGER PRIMARY KEY,
    period_id       INTEGER NOT NULL REFERENCES periods (id),
    id              TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('chair', 'vice-chair', 'member', 'secretary')),
    organisation    TEXT    NOT NULL,
    key_fingerprint TEXT,  -- NULL until the member has a signing key
    public_key      BLOB,
    UNIQUE (period_id, id)
);

CREATE TABLE assignments (
    period_id INTEGER NOT NULL,
    member    TEXT    NOT NULL,
    block     TEXT    NOT NULL,
    field     TEXT    NOT NULL, -- code of a top-level criterion of the block's framework
    PRIMARY KEY (period_id, member, block, field),
    FOREIGN KEY (period_id, member) REFERENCES members (period_id, id),
    FOREIGN KEY (period_id, block) REFERENCES blocks (period_id, code)
) WITHOUT ROWID;

CREATE TABLE self_scores (
    period_id   INTEGER NOT NULL,
    unit        TEXT    NOT NULL,
    criterion   TEXT    NOT NULL,
    points      INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points >= 0),
    evidence    TEXT    NOT NULL,
    explanation TEXT    NOT NULL,
    PRIMARY KEY (period_id, unit, criterion),
    FOREIGN KEY (period_id, unit) REFERENCES units (period_id, code)
) WITHOUT ROWID;

CREATE TABLE appraisals (
    period_id INTEGER NOT NULL,
    unit      TEXT    NOT NULL,
    criterion TEXT    NOT NULL,
    member    TEXT    NOT NULL,
    round     INTEGER NOT NULL CHECK (round IN (1, 2)),
    points    INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points >= 0),
    reason    TEXT    NOT NULL,
    PRIMARY KEY (period_id, unit, criterion, member, round),
    FOREIGN KEY (period_id, unit) REFERENCES units (period_id, code),
    FOREIGN KEY (period_id, member) REFERENCES members (period_id, id)
) WITHOUT ROWID;

CREATE TABLE decisions (
    period_id INTEGER NOT NULL,
    unit      TEXT    NOT NULL,
    criterion TEXT    NOT NULL,
    points    INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points >= 0),
    reason    TEXT    NOT NULL,
    votes_for INTEGER NOT NULL,
    PRIMARY KEY (period_id, unit, criterion),
    FOREIGN KEY (period_id, unit) REFERENCES units (period_id, code)
) WITHOUT ROWID;

CREATE TABLE survey_scores (
    period_id INTEGER NOT NULL,
    unit      TEXT    NOT NULL,
    criterion TEXT    NOT NULL,
    points    INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points >= 0),
    PRIMARY KEY (period_id, unit, criterion),
    FOREIGN KEY (period_id, unit) REFERENCES units (period_id, code)
) WITHOUT ROWID;

CREATE TABLE not_applicable (
    period_id INTEGER NOT NULL,
    unit      TEXT    NOT NULL,
    criterion TEXT    NOT NULL, -- a leaf, or a node: every leaf under it
    reason    TEXT    NOT NULL,
    PRIMARY KEY (period_id, unit, criterion),
    FOREIGN KEY (period_id, unit) REFERENCES units (period_id, code)
) WITHOUT ROWID;

-- The audit log: a SHA-256 hash chain, one entry per changed row. Who and
-- when are recorded once per write transaction in audit_tx.
CREATE TABLE audit_tx (
    id    INTEGER PRIMARY KEY,
    at    TEXT NOT NULL, -- RFC 3339 with offset
    actor TEXT NOT NULL
);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,                      -- 1, 2, 3, ... without gaps
    tx     INTEGER NOT NULL REFERENCES audit_tx (id),
    action TEXT    NOT NULL, -- e.g. appraisal.insert, period.finalize
    entity TEXT    NOT NULL, -- e.g. appraisal/1/U001/1.2.1/m01/1
    old    TEXT    NOT NULL, -- canonical JSON of the row before, '' when absent
    new    TEXT    NOT NULL, -- canonical JSON of the row after, '' when deleted
    reason TEXT    NOT NULL,
    hash   BLOB    NOT NULL  -- SHA-256 over the previous hash and every field above, at and actor included
);
CREATE INDEX audit_entity ON audit (entity);
