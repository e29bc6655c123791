package zoomsim

import (
	"net/http"
)

// pastParticipantJSON is one entry of GET /past_meetings/{meetingId}/participants
// (rivet: MeetingsGetPastMeetingParticipantsResponse). id is the Zoom user id of
// a signed-in account user ("" for guests), user_id the per-meeting participant
// id, duration seconds in the meeting.
type pastParticipantJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	UserID       string `json:"user_id"`
	RegistrantID string `json:"registrant_id"`
	UserEmail    string `json:"user_email"`
	JoinTime     string `json:"join_time"`
	LeaveTime    string `json:"leave_time"`
	Duration     int    `json:"duration"`
	Failover     bool   `json:"failover"`
	Status       string `json:"status"`
	InternalUser bool   `json:"internal_user"`
}

type pastParticipantsResponse struct {
	PageCount     int                   `json:"page_count"`
	PageSize      int                   `json:"page_size"`
	TotalRecords  int                   `json:"total_records"`
	NextPageToken string                `json:"next_page_token"`
	Participants  []pastParticipantJSON `json:"participants"`
}

// listPastMeetingParticipants is GET /v2/past_meetings/{meetingId}/participants
// ?page_size&next_page_token (Medium). meetingId is an instance UUID (double
// encoded when it begins with "/" or contains "//") or a numeric id (its
// latest instance); the meeting must have ended.
func (s *Server) listPastMeetingParticipants(w http.ResponseWriter, r *http.Request, c *call) {
	m := meetingForPath(w, r, c, "/v2/past_meetings/", "past")
	if m == nil {
		return
	}
	ps := participantsOf(c.w.seed, m)
	p, ok := s.paginate(w, r, c, "past-participants|"+m.UUID, len(ps))
	if !ok {
		return
	}
	resp := pastParticipantsResponse{
		PageCount: p.count, PageSize: p.size, TotalRecords: len(ps), NextPageToken: p.next,
		Participants: []pastParticipantJSON{},
	}
	lo, hi := p.slice(len(ps))
	for _, pt := range ps[lo:hi] {
		resp.Participants = append(resp.Participants, pastParticipantJSON{
			ID: pt.userID, Name: pt.name, UserID: pt.confID, UserEmail: pt.email,
			JoinTime: zoomTime(pt.join), LeaveTime: zoomTime(pt.leave),
			Duration: int(pt.leave.Sub(pt.join).Seconds()), Status: "in_meeting", InternalUser: pt.userID != "",
		})
	}
	writeJSON(w, http.StatusOK, resp)
}
