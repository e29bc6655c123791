package main

import (
	"fmt"
	"io"
	"sort"
)

// problem is one thing the doctor found, with the exact fix. User is set
// where the problem belongs to one Zoom user (their e-mail, else their id).
type problem struct {
	User    string `json:"user,omitempty"`
	Check   string `json:"check"`
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
	// Blocks is true when recording (bots or archiving) cannot work until
	// it is fixed; false for problems that degrade it (late archiving
	// without webhooks, bots that must ask instead of using a join token).
	Blocks bool `json:"blocks_recording"`
}

// line is the problem as one line: "who: what is wrong: what to do".
func (p problem) line() string {
	who := p.User
	if who == "" {
		who = p.Check
	}
	return fmt.Sprintf("%s: %s: %s", who, p.Problem, p.Fix)
}

// checkResult is the outcome of one check, problem or not.
type checkResult struct {
	Check  string `json:"check"`
	Status string `json:"status"` // ok, warning (problems that do not block), problem or skipped
	Detail string `json:"detail,omitempty"`
}

const (
	statusOK      = "ok"
	statusWarning = "warning"
	statusProblem = "problem"
	statusSkipped = "skipped"
)

// doctorReport is what `starter doctor` prints (and --json encodes).
type doctorReport struct {
	Tenant   string        `json:"tenant"`
	Problems []problem     `json:"problems"`
	Checks   []checkResult `json:"checks"`
	// Notes are facts an operator should know that no API can check, such
	// as settings Zoom does not expose.
	Notes   []string `json:"notes,omitempty"`
	Blocked bool     `json:"blocked"`
}

// add records a check's outcome with its problems.
func (r *doctorReport) add(check, detail string, problems ...problem) {
	status := statusOK
	for _, p := range problems {
		if p.Blocks {
			status = statusProblem
			break
		}
		status = statusWarning
	}
	r.Checks = append(r.Checks, checkResult{Check: check, Status: status, Detail: detail})
	for _, p := range problems {
		if p.Check == "" {
			p.Check = check
		}
		r.Problems = append(r.Problems, p)
		r.Blocked = r.Blocked || p.Blocks
	}
}

func (r *doctorReport) skip(check, why string) {
	r.Checks = append(r.Checks, checkResult{Check: check, Status: statusSkipped, Detail: why})
}

func (r *doctorReport) note(s string) { r.Notes = append(r.Notes, s) }

// sortProblems puts blocking problems first, then by user and check, so the
// output is stable and the worst comes first.
func (r *doctorReport) sortProblems() {
	sort.SliceStable(r.Problems, func(i, j int) bool {
		a, b := r.Problems[i], r.Problems[j]
		if a.Blocks != b.Blocks {
			return a.Blocks
		}
		if a.User != b.User {
			return a.User < b.User
		}
		return a.Check < b.Check
	})
}

// blocking counts the problems that block recording.
func (r *doctorReport) blocking() int {
	n := 0
	for _, p := range r.Problems {
		if p.Blocks {
			n++
		}
	}
	return n
}

// writeText prints the report for a terminal: the checks, then one line per
// problem.
func (r *doctorReport) writeText(w io.Writer) {
	fmt.Fprintf(w, "doctor: tenant %s\n", r.Tenant)
	for _, c := range r.Checks {
		mark := map[string]string{statusOK: "ok  ", statusWarning: "WARN", statusProblem: "FAIL", statusSkipped: "skip"}[c.Status]
		fmt.Fprintf(w, "  %s %-16s %s\n", mark, c.Check, c.Detail)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "no problems found")
		return
	}
	fmt.Fprintf(w, "%d problem(s), %d blocking recording:\n", len(r.Problems), r.blocking())
	for _, p := range r.Problems {
		fmt.Fprintln(w, p.line())
	}
}
