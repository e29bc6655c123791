package botprovider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// HeaderAPIVersion selects the provider's API version (Config.APIVersion).
// Newer Recall versions publish participants as a download instead of
// Bot.MeetingParticipants.
const HeaderAPIVersion = "Recall-Api-Version"

// maxParticipantsBody bounds a participants download.
const maxParticipantsBody = 8 << 20

// ParticipantSource says where Participants read the list from.
type ParticipantSource string

// Participant sources.
const (
	// ParticipantsInline: Bot.MeetingParticipants (older API versions).
	ParticipantsInline ParticipantSource = "meeting_participants"
	// ParticipantsDownload: the recordings' participant-events
	// participants_download_url (newer API versions).
	ParticipantsDownload ParticipantSource = "participants_download"
	// ParticipantsNone: the bot offers neither (yet): who is in the call,
	// host included, is unknown, which is not "nobody".
	ParticipantsNone ParticipantSource = ""
)

// Participants returns who is (or was) in the bot's call from whichever
// source the provider's API version offers: Bot.MeetingParticipants when it
// is not empty, else each recording's participant-events
// participants_download_url (a JSON array of {id, name, is_host,
// platform}), fetched without the API key (it is a signed link, possibly on
// another host). ParticipantsNone with no error means no source was
// offered: never conclude from it that the host is absent.
func (c *Client) Participants(ctx context.Context, bot *Bot) ([]Participant, ParticipantSource, error) {
	if bot == nil {
		return nil, ParticipantsNone, errors.New("botprovider: Participants: bot is nil")
	}
	if len(bot.MeetingParticipants) > 0 {
		return bot.MeetingParticipants, ParticipantsInline, nil
	}
	var out []Participant
	found := false
	seen := map[string]bool{}
	for _, r := range bot.Recordings {
		pe := r.MediaShortcuts.ParticipantEvents
		if pe == nil || pe.Data.ParticipantsDownloadURL == "" {
			continue
		}
		list, err := c.downloadParticipants(ctx, pe.Data.ParticipantsDownloadURL)
		if err != nil {
			return nil, ParticipantsNone, fmt.Errorf("botprovider: bot %s recording %s: participants download: %w", bot.ID, r.ID, err)
		}
		found = true
		for _, p := range list {
			if k := string(p.ID) + "\x00" + p.Name; !seen[k] {
				seen[k] = true
				out = append(out, p)
			}
		}
	}
	if !found {
		return nil, ParticipantsNone, nil
	}
	return out, ParticipantsDownload, nil
}

func (c *Client) downloadParticipants(ctx context.Context, link string) ([]Participant, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, errors.New("invalid download link") // the link is a secret: not echoed
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), link, "<participants link>"))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var list []Participant
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxParticipantsBody)).Decode(&list); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return list, nil
}

// HostPresent reports whether any participant has the host role.
func HostPresent(list []Participant) bool {
	for _, p := range list {
		if p.IsHost {
			return true
		}
	}
	return false
}
