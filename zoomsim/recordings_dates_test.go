package zoomsim

import (
	"net/url"
	"testing"
)

// Listing dates are read the way Zoom reads them: a time and an offset after
// the date are accepted and only the date part counts; without from/to the
// window is today..tomorrow (UTC, simulated clock); a non-date is 300
// "Validation Failed".
func TestListingDatesReadLikeZoom(t *testing.T) {
	sim := newTestSim(t, testScenario())
	sim.SetClock(ts("2026-10-05T20:00:00Z"))
	tok := sim.token(0)
	list := func(query string) (int, listRecordingsResponse, apiError) {
		var r listRecordingsResponse
		var e apiError
		path := "/v2/users/" + hostID + "/recordings?page_size=300" + query
		st := sim.get(path, tok, &r)
		if st != 200 {
			sim.get(path, tok, &e)
		}
		return st, r, e
	}
	for _, q := range []string{
		"&from=" + url.QueryEscape("2026-10-06 00:00:00+00:00") + "&to=" + url.QueryEscape("2026-10-06 23:59:59+00:00"),
		"&from=2026-10-06T00:00:00Z&to=2026-10-06T00:00:00Z",
		"&from=2026-10-06%2000:00:00+00:00&to=2026-10-06T08:00:00-05:00", // "+" unescaped arrives as a space
		"&from=2026-10-06T12:30&to=2026-10-06",
	} {
		st, r, e := list(q)
		if st != 200 || r.TotalRecords != 1 || r.Meetings[0].UUID != weekly || r.From != "2026-10-06" || r.To != "2026-10-06" {
			t.Errorf("%s: %d %+v %+v", q, st, r, e)
		}
	}
	// No from/to: today (10-05) to tomorrow (10-06).
	st, r, _ := list("")
	if st != 200 || r.From != "2026-10-05" || r.To != "2026-10-06" || r.TotalRecords != 2 {
		t.Fatalf("defaults: %d from %s to %s, %d meetings", st, r.From, r.To, r.TotalRecords)
	}
	for _, q := range []string{"&from=yesterday", "&to=2026-10-06Tnoon", "&from=06/10/2026", "&from=2026-13-01"} {
		if st, _, e := list(q); st != 400 || e.Code != 300 || e.Message != "Validation Failed." {
			t.Errorf("%s: %d %+v", q, st, e)
		}
	}
}
