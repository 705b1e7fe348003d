package data

import (
	"crypto/ed25519"
	"database/sql"
	"fmt"

	"parindex/identity"
)

// EnrolMemberKey enrols a member's signing key at the secretariat, before
// the member's first return: by its fingerprint (read out or sent by the
// member; the first return signed with a key of that fingerprint pins the
// key itself) or by the public key. An enrolled key replaces the previous
// one, and every one-time enrolment secret still outstanding for the member
// is withdrawn. With neither fingerprint nor key the member's key is
// removed, so that the first return from the member's next package enrols
// a new one. The reason is recorded in the audit log.
func (s *Store) EnrolMemberKey(period int64, member, fingerprint string, publicKey []byte, reason string) error {
	member, reason = cleanCode(member), clean(reason)
	if fingerprint != "" {
		fp, err := identity.ParseFingerprint(fingerprint)
		if err != nil {
			return fmt.Errorf("enrol member key: %w", invalid(err))
		}
		fingerprint = fp
	}
	if len(publicKey) > 0 {
		if len(publicKey) != ed25519.PublicKeySize {
			return fmt.Errorf("enrol member key: %w", invalidf("a public key has %d bytes, not %d", len(publicKey), ed25519.PublicKeySize))
		}
		fp := identity.Fingerprint(publicKey)
		if fingerprint != "" && fingerprint != fp {
			return fmt.Errorf("enrol member key: %w", invalidf("fingerprint %s is not the key's (%s)", fingerprint, fp))
		}
		fingerprint = fp
	}
	return s.write("enrol member key", func(w *wtx) error {
		if _, err := w.secretariat("enrolling a member's key"); err != nil {
			return err
		}
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		m, ok := c.members[member]
		if !ok {
			return notFoundf("member %q does not exist in period %s", member, c.p.label())
		}
		action, why := "member.enrol", reason
		if fingerprint == "" {
			action = "member.unenrol"
		}
		if why == "" {
			why = "enrolled by the secretariat"
			if fingerprint == "" {
				why = "key removed by the secretariat"
			}
		}
		m.fingerprint, m.publicKey = fingerprint, append([]byte(nil), publicKey...)
		if err := w.put(m.rec(period), action, why); err != nil {
			return err
		}
		return w.consumeSecrets(period, member, "withdrawn: the secretariat enrolled the member's key")
	})
}

// MemberExchange is one member's state in the offline exchange, for the
// secretariat's Council screen.
type MemberExchange struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Role           string `json:"role"`
	Fields         int    `json:"fields"`           // assignments in the period
	Fingerprint    string `json:"fingerprint"`      // enrolled key, "" when none
	KeyPinned      bool   `json:"key_pinned"`       // the public key itself is known, not only its fingerprint
	PendingSecrets int    `json:"pending_secrets"`  // packages sent whose enrolment secret is still unused
	Packages       int64  `json:"packages"`         // member packages exported
	LastPackageAt  string `json:"last_package_at"`  // RFC 3339, "" when none
	ReturnVersion  int64  `json:"return_version"`   // latest return merged, 0 when none
	ReturnRound    int    `json:"return_round"`     // its round
	ReturnScores   int    `json:"return_scores"`    // its number of scores
	ReturnMergedAt string `json:"return_merged_at"` // RFC 3339, "" when none
	ReturnsMerged  int    `json:"returns_merged"`   // returns merged in all
	ReturnKey      string `json:"return_key"`       // fingerprint of the key that signed the latest return
}

// MemberExchanges lists every member of a period with their key, packages
// and returns, in the order members were added.
func (s *Store) MemberExchanges(period int64) ([]MemberExchange, error) {
	var out []MemberExchange
	err := s.read("list member exchanges", func(tx *sql.Tx) error {
		if _, err := loadPeriod(tx, period); err != nil {
			return err
		}
		ms, err := loadMembers(tx, period)
		if err != nil {
			return err
		}
		for _, m := range ms {
			e := MemberExchange{ID: m.ID, Name: m.Name, Role: string(m.Role), Fingerprint: m.fingerprint, KeyPinned: len(m.publicKey) > 0}
			q := func(query string, dest ...any) error {
				err := tx.QueryRow(query, period, m.ID).Scan(dest...)
				if isNoRows(err) {
					return nil
				}
				return err
			}
			if err := q(`SELECT count(*) FROM assignments WHERE period_id = ? AND member = ?`, &e.Fields); err != nil {
				return err
			}
			if err := q(`SELECT count(*) FROM enrol_secrets WHERE period_id = ? AND member = ?`, &e.PendingSecrets); err != nil {
				return err
			}
			if err := q(`SELECT count(*), coalesce(max(seq), 0), coalesce(max(exported_at), '') FROM package_exports WHERE period_id = ? AND member = ?`,
				new(int), &e.Packages, &e.LastPackageAt); err != nil {
				return err
			}
			if err := q(`SELECT count(*) FROM merged_returns WHERE period_id = ? AND member = ?`, &e.ReturnsMerged); err != nil {
				return err
			}
			if err := q(`SELECT version, round, scores, merged_at, key_fingerprint FROM merged_returns WHERE period_id = ? AND member = ?
				ORDER BY version DESC LIMIT 1`, &e.ReturnVersion, &e.ReturnRound, &e.ReturnScores, &e.ReturnMergedAt, &e.ReturnKey); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
