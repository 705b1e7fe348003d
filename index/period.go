package index

import "fmt"

// PeriodRound is the round of a year's evaluation: mid-year or full-year.
type PeriodRound string

// The two rounds of a year.
const (
	MidYear  PeriodRound = "mid-year"
	FullYear PeriodRound = "full-year"
)

// Rule is how the final appraisal score of a leaf is drawn from members' scores.
type Rule string

// The consolidation rules. A council decision always wins over any of them.
const (
	RuleAssigned Rule = "assigned" // the member assigned to the leaf's field (default)
	RuleMean     Rule = "mean"     // the mean of members' scores, rounded half-up to hundredths
	RuleMedian   Rule = "median"   // the median of members' scores (mean of the middle two, rounded)
)

// Valid reports whether r is a known rule.
func (r Rule) Valid() bool { return r == RuleAssigned || r == RuleMean || r == RuleMedian }

// DefaultThreshold is the default discrepancy threshold: 25 % of a leaf's max.
const DefaultThreshold Percent = 2500

// Period is one evaluation (kỳ đánh giá): a year and a round.
type Period struct {
	ID        int64       `json:"id"`
	Year      int         `json:"year"`
	Round     PeriodRound `json:"round"`
	Name      string      `json:"name"`
	Rule      Rule        `json:"rule"`
	Threshold Percent     `json:"threshold"` // discrepancy threshold, share of a leaf's max
	Finalized bool        `json:"finalized"`
}

// Block is a group of units sharing a framework (khối).
type Block struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Framework string `json:"framework"` // framework code
}

// Unit is an agency whose index is computed.
type Unit struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Block  string `json:"block"`
	Active bool   `json:"active"`
}

// Role is a council member's role.
type Role string

// Council roles.
const (
	Chair     Role = "chair"
	ViceChair Role = "vice-chair"
	Member    Role = "member"
	Secretary Role = "secretary"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == Chair || r == ViceChair || r == Member || r == Secretary
}

// CouncilMember is a member of the appraisal council or its secretariat.
type CouncilMember struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Role         Role   `json:"role"`
	Organisation string `json:"organisation"`
}

// Votes reports whether the member has a vote in council decisions; the
// secretariat does not vote.
func (m CouncilMember) Votes() bool { return m.Role != Secretary }

// Assignment gives a member the appraisal of one field in one block.
type Assignment struct {
	Member string `json:"member"`
	Block  string `json:"block"`
	Field  string `json:"field"` // code of a top-level criterion
}

// SelfScore is a unit's self-assessed score on a leaf (điểm tự đánh giá).
type SelfScore struct {
	Unit        string `json:"unit"`
	Criterion   string `json:"criterion"`
	Points      Points `json:"points"`
	Evidence    string `json:"evidence,omitempty"`    // evidence note (tài liệu kiểm chứng)
	Explanation string `json:"explanation,omitempty"` // the unit's explanation (giải trình)
}

// AppraisalScore is one member's appraisal of a unit's leaf in round 1 or 2.
type AppraisalScore struct {
	Member    string `json:"member"`
	Unit      string `json:"unit"`
	Criterion string `json:"criterion"`
	Round     int    `json:"round"`
	Points    Points `json:"points"`
	Reason    string `json:"reason,omitempty"`
}

// Decision is a council decision that overrides members' scores on a leaf.
type Decision struct {
	Unit      string `json:"unit"`
	Criterion string `json:"criterion"`
	Points    Points `json:"points"`
	Reason    string `json:"reason"`
	VotesFor  int    `json:"votes_for"`
}

// SurveyScore is a unit's points on a survey leaf.
type SurveyScore struct {
	Unit      string `json:"unit"`
	Criterion string `json:"criterion"`
	Points    Points `json:"points"`
}

// NotApplicable marks a criterion (a leaf, or every leaf under a node) as not
// applicable to a unit: its points and its max are left out.
type NotApplicable struct {
	Unit      string `json:"unit"`
	Criterion string `json:"criterion"`
	Reason    string `json:"reason,omitempty"`
}

// Snapshot is everything Compute needs about one period.
type Snapshot struct {
	Period        Period
	Frameworks    map[string]*Framework // by code; validated
	Blocks        []Block
	Units         []Unit
	Members       []CouncilMember
	Assignments   []Assignment
	Self          []SelfScore
	Appraisals    []AppraisalScore
	Decisions     []Decision
	Survey        []SurveyScore
	NotApplicable []NotApplicable
}

// VotingMembers counts the members who vote in council decisions.
func VotingMembers(members []CouncilMember) int {
	n := 0
	for _, m := range members {
		if m.Votes() {
			n++
		}
	}
	return n
}

// CheckDecision refuses a council decision that lacks a reason or that fewer
// than more than half of the council's voting members voted for.
func CheckDecision(d Decision, votingMembers int) error {
	if d.Reason == "" {
		return fmt.Errorf("decision on %s/%s: a reason is required", d.Unit, d.Criterion)
	}
	if d.VotesFor < 0 || d.VotesFor > votingMembers {
		return fmt.Errorf("decision on %s/%s: %d votes for, but the council has %d voting members",
			d.Unit, d.Criterion, d.VotesFor, votingMembers)
	}
	if d.VotesFor*2 <= votingMembers {
		return fmt.Errorf("decision on %s/%s: %d of %d votes is not more than half of the council",
			d.Unit, d.Criterion, d.VotesFor, votingMembers)
	}
	return nil
}
