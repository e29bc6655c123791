package zoom

import (
	"context"
	"fmt"
	"time"
)

// DateRange is an inclusive range of UTC calendar days.
type DateRange struct{ From, To time.Time }

// maxChunkDays bounds a chunk to 30 days inclusive (29 days after its start),
// which is within "one month" however a server counts it.
const maxChunkDays = 29

// SplitWindow splits the inclusive day range from..to (UTC days) into
// consecutive chunks Zoom accepts: each ends no later than 29 days after its
// start and before the same day of the next month. It returns nil when to is
// before from.
func SplitWindow(from, to time.Time) []DateRange {
	from, to = utcDay(from), utcDay(to)
	var out []DateRange
	for start := from; !start.After(to); {
		end := start.AddDate(0, 1, -1)
		if capped := start.AddDate(0, 0, maxChunkDays); capped.Before(end) {
			end = capped
		}
		if end.After(to) {
			end = to
		}
		out = append(out, DateRange{From: start, To: end})
		start = end.AddDate(0, 0, 1)
	}
	return out
}

// WindowOptions describe a recordings window of any length for
// ListUserWindow.
type WindowOptions struct {
	// From and To are inclusive dates (UTC days); both required.
	From, To time.Time
	// PageSize counts meetings per page, 1–300; 0 means 300.
	PageSize int
	Trash    bool
	// NextPageToken resumes the chunk that starts at From (from a
	// checkpoint, see WindowPage.Next). Zoom expires tokens after 15
	// minutes: on ErrPageTokenExpired, clear it and start the chunk again.
	NextPageToken string
}

// WindowPage is one page delivered by ListUserWindow.
type WindowPage struct {
	// From and To are the chunk (at most one month) this page belongs to.
	From, To time.Time
	List     *RecordingList
	Response *Response

	window WindowOptions
}

// Next returns the options that continue the walk right after this page
// (store them as a checkpoint) and whether anything is left to list.
func (p *WindowPage) Next() (WindowOptions, bool) {
	next := p.window
	if p.List != nil && p.List.NextPageToken != "" {
		next.From, next.NextPageToken = p.From, p.List.NextPageToken
		return next, true
	}
	next.From, next.NextPageToken = p.To.AddDate(0, 0, 1), ""
	return next, !next.From.After(utcDay(next.To))
}

// ListUserWindow walks a user's recordings over a window of any length: it
// splits the window into chunks Zoom accepts (see SplitWindow), follows
// next_page_token within each, and calls fn once per page, in order. An
// error from fn stops the walk and is returned unchanged.
func (s *RecordingsService) ListUserWindow(ctx context.Context, userID string, opts WindowOptions, fn func(*WindowPage) error) error {
	if opts.From.IsZero() || opts.To.IsZero() {
		return fmt.Errorf("zoom: ListUserWindow: From and To are both required")
	}
	if utcDay(opts.To).Before(utcDay(opts.From)) {
		return fmt.Errorf("zoom: ListUserWindow: window %s..%s ends before it starts", opts.From.UTC().Format(dateLayout), opts.To.UTC().Format(dateLayout))
	}
	pageSize := opts.PageSize
	if pageSize == 0 {
		pageSize = MaxPageSize
	}
	if err := checkPageSize(pageSize); err != nil {
		return err
	}
	token := opts.NextPageToken
	for _, chunk := range SplitWindow(opts.From, opts.To) {
		seen := map[string]bool{}
		for {
			list, resp, err := s.ListUser(ctx, userID, ListRecordingsOptions{
				From: chunk.From, To: chunk.To, PageSize: pageSize, NextPageToken: token, Trash: opts.Trash,
			})
			if err != nil {
				return err
			}
			page := &WindowPage{From: chunk.From, To: chunk.To, List: list, Response: resp, window: opts}
			if err := fn(page); err != nil {
				return err
			}
			token = list.NextPageToken
			if token == "" {
				break
			}
			if seen[token] {
				return fmt.Errorf("zoom: recordings of %s for %s..%s: next_page_token %q repeated; stopping to avoid a loop", userID, chunk.From.Format(dateLayout), chunk.To.Format(dateLayout), token)
			}
			seen[token] = true
		}
	}
	return nil
}
