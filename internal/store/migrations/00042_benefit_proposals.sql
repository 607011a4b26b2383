-- +goose Up
-- What a concluded assessment triggers (casework.md; internal/casework/proposal.go): the benefit
-- proposal a benefits reviewer approves, its items as the calculator gave them (amount, payer,
-- formula, basis) with where each goes, and the payable lump sums an approval creates. The
-- employer's items are read from benefit_proposal_items by the employer query.
CREATE TABLE benefit_proposals (
    id               @ID@,
    assessment_id    BIGINT NOT NULL REFERENCES assessment_cases(id),
    determination_id BIGINT REFERENCES determination_cases(id),
    region           TEXT NOT NULL,
    worker_id        TEXT NOT NULL,
    employer_uscc    TEXT NOT NULL,
    state            TEXT NOT NULL,      -- proposed | approved | rejected
    first_month      TEXT NOT NULL,      -- YYYY-MM: first month of the monthly items
    proposed_by      TEXT NOT NULL,
    proposed_at      TEXT NOT NULL,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TEXT,
    data             TEXT NOT NULL,      -- JSON: the calculator's input and result, the note
    version          INTEGER NOT NULL DEFAULT 1
);
-- One live proposal per assessment: a rejected one is replaced, never edited.
CREATE UNIQUE INDEX benefit_proposals_live ON benefit_proposals (assessment_id) WHERE state <> 'rejected';
CREATE INDEX benefit_proposals_state ON benefit_proposals (state, region);
CREATE INDEX benefit_proposals_employer ON benefit_proposals (employer_uscc, state);

CREATE TABLE benefit_proposal_items (
    proposal_id    BIGINT NOT NULL REFERENCES benefit_proposals(id),
    seq            INTEGER NOT NULL,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    payer          TEXT NOT NULL,        -- fund | employer
    period         TEXT NOT NULL,        -- once | monthly
    amount         BIGINT NOT NULL,      -- fen; per month for a monthly item
    months         INTEGER,              -- time-limited monthly items
    formula        TEXT NOT NULL,
    basis          TEXT NOT NULL,
    disposition    TEXT NOT NULL,        -- payroll | payable | employer
    entitlement_id BIGINT,               -- payroll_entitlements.id once approved
    PRIMARY KEY (proposal_id, seq)
);

-- Lump sums the fund owes after approval, for the payment module to pay (and post to the
-- ledger as lump_sum when it does).
CREATE TABLE benefit_payables (
    id          @ID@,
    proposal_id BIGINT NOT NULL REFERENCES benefit_proposals(id),
    seq         INTEGER NOT NULL,
    id_number   TEXT NOT NULL,
    item        TEXT NOT NULL,
    amount      BIGINT NOT NULL,         -- fen
    status      TEXT NOT NULL,           -- payable | paid
    created_at  TEXT NOT NULL,
    paid_on     TEXT,
    UNIQUE (proposal_id, seq),
    CHECK (amount > 0)
);
CREATE INDEX benefit_payables_status ON benefit_payables (status);

-- +goose Down
DROP TABLE benefit_payables;
DROP TABLE benefit_proposal_items;
DROP TABLE benefit_proposals;
