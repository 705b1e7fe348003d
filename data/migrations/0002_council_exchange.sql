-- 0002: the offline council: workspace mode, member packages, signed returns,
-- key enrolment and appraisal rounds. Every table here is audited (see
-- data/council_workspace.go for their audit kinds).

-- What this file is: the secretariat's council file, or one member's
-- workspace opened from a member package. A file without this row is a
-- secretariat file that has not exported a package yet.
CREATE TABLE workspace (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    mode       TEXT    NOT NULL CHECK (mode IN ('secretariat', 'member')),
    council_id TEXT    NOT NULL, -- secretariat: this file's random council ID; member: the council the packages came from
    member     TEXT    NOT NULL  -- member mode: whose workspace it is; '' at the secretariat
);

-- Secretariat: the appraisal round (1 or 2) each period is in.
CREATE TABLE council_periods (
    period_id INTEGER PRIMARY KEY REFERENCES periods (id),
    round     INTEGER NOT NULL CHECK (round IN (1, 2))
);

-- Secretariat: every member package exported, numbered per member.
CREATE TABLE package_exports (
    period_id   INTEGER NOT NULL,
    member      TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    round       INTEGER NOT NULL CHECK (round IN (1, 2)),
    exported_at TEXT    NOT NULL,
    PRIMARY KEY (period_id, member, seq),
    FOREIGN KEY (period_id, member) REFERENCES members (period_id, id)
) WITHOUT ROWID;

-- Secretariat: outstanding one-time enrolment secrets, kept only as their
-- verifier (the public key of the one-time Ed25519 key the secret seeds).
-- A return that enrols a member's key consumes (deletes) them all.
CREATE TABLE enrol_secrets (
    period_id INTEGER NOT NULL,
    member    TEXT    NOT NULL,
    verifier  TEXT    NOT NULL, -- hex
    issued_at TEXT    NOT NULL,
    PRIMARY KEY (period_id, member, verifier),
    FOREIGN KEY (period_id, member) REFERENCES members (period_id, id)
) WITHOUT ROWID;

-- Secretariat: every return merged, written in the same transaction as its
-- scores. The highest version per member is the one in force.
CREATE TABLE merged_returns (
    period_id       INTEGER NOT NULL,
    member          TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    round           INTEGER NOT NULL CHECK (round IN (1, 2)),
    digest          TEXT    NOT NULL, -- SHA-256 of the signed bytes, hex
    key_fingerprint TEXT    NOT NULL,
    scores          INTEGER NOT NULL,
    merged_at       TEXT    NOT NULL,
    PRIMARY KEY (period_id, member, version),
    FOREIGN KEY (period_id, member) REFERENCES members (period_id, id)
) WITHOUT ROWID;

-- Member mode: one row per period opened from a package.
CREATE TABLE member_periods (
    period_id      INTEGER PRIMARY KEY REFERENCES periods (id),
    source_period  INTEGER NOT NULL, -- the period's ID in the secretariat's file
    round          INTEGER NOT NULL CHECK (round IN (1, 2)), -- the round of the latest package
    package_seq    INTEGER NOT NULL,
    package_digest TEXT    NOT NULL,
    enrolled_key   TEXT    NOT NULL, -- fingerprint the council had enrolled for the member, '' when none
    enrol_secret   TEXT    NOT NULL, -- hex one-time enrolment secret from the package, '' when none
    last_return    INTEGER NOT NULL, -- highest return version made (or merged, as the package said)
    return_digest  TEXT    NOT NULL  -- digest of the scores in the latest return made
);
