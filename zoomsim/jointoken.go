package zoomsim

// redeemJoinToken consumes a join token for local recording minted by
// GET /v2/meetings/{id}/jointoken/local_recording: ok only if it was minted
// for meetingID, has not expired and was not used before (single use).
// bypassWaitingRoom reports whether it was minted with bypass_waiting_room.
// (Placeholder: the user OAuth simulation implements it.)
func (s *Server) redeemJoinToken(token string, meetingID int64) (bypassWaitingRoom, ok bool) {
	return false, false
}
