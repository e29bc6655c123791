package zoomsim

import (
	"fmt"
	"net/http"
	"time"
)

// userJSON is a user as GET /users lists it.
type userJSON struct {
	ID                string `json:"id"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	DisplayName       string `json:"display_name"`
	Email             string `json:"email"`
	Type              int    `json:"type"`
	PMI               int64  `json:"pmi"`
	Timezone          string `json:"timezone"`
	Verified          int    `json:"verified"`
	Dept              string `json:"dept"`
	CreatedAt         string `json:"created_at"`
	UserCreatedAt     string `json:"user_created_at"`
	LastLoginTime     string `json:"last_login_time"`
	LastClientVersion string `json:"last_client_version"`
	Language          string `json:"language"`
	Status            string `json:"status"`
	RoleID            string `json:"role_id"`
}

func renderUser(u *user, owner bool) userJSON {
	role := "2" // member
	if owner {
		role = "0"
	}
	return userJSON{
		ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, DisplayName: u.displayName(),
		Email: u.Email, Type: u.Type, PMI: u.PMI, Timezone: u.Timezone, Verified: 1,
		CreatedAt: u.CreatedAt.Format(time.RFC3339), UserCreatedAt: u.CreatedAt.Format(time.RFC3339),
		LastLoginTime: u.CreatedAt.AddDate(0, 6, 0).Format(time.RFC3339), LastClientVersion: "6.2.5.5187(mac)",
		Language: "en-US", Status: u.Status, RoleID: role,
	}
}

type listUsersResponse struct {
	PageCount     int        `json:"page_count"`
	PageNumber    int        `json:"page_number"`
	PageSize      int        `json:"page_size"`
	TotalRecords  int        `json:"total_records"`
	NextPageToken string     `json:"next_page_token"`
	Users         []userJSON `json:"users"`
}

// listUsers is GET /v2/users?status&page_size&next_page_token.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, c *call) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "active"
	}
	if status != "active" && status != "inactive" && status != "pending" {
		writeFieldError(w, "status", "Invalid field.")
		return
	}
	var matched []*user
	for _, u := range c.acct.users {
		if u.Status == status {
			matched = append(matched, u)
		}
	}
	p, ok := s.paginate(w, r, c, "users|"+status, len(matched))
	if !ok {
		return
	}
	resp := listUsersResponse{
		PageCount: p.count, PageNumber: p.number, PageSize: p.size,
		TotalRecords: len(matched), NextPageToken: p.next, Users: []userJSON{},
	}
	lo, hi := p.slice(len(matched))
	for _, u := range matched[lo:hi] {
		resp.Users = append(resp.Users, renderUser(u, u == c.acct.users[0]))
	}
	writeJSON(w, http.StatusOK, resp)
}

type getUserResponse struct {
	userJSON
	AccountID     string `json:"account_id"`
	AccountNumber int64  `json:"account_number"`
	Cluster       string `json:"cluster"`
	RoleName      string `json:"role_name"`
}

// getUser is GET /v2/users/{userId} (id, email or "me").
func (s *Server) getUser(w http.ResponseWriter, r *http.Request, c *call) {
	id := r.PathValue("userId")
	u := c.acct.findUser(id)
	if u == nil {
		writeAPIError(w, http.StatusNotFound, codeUserNotFound, fmt.Sprintf("User does not exist: %s.", id))
		return
	}
	owner := u == c.acct.users[0]
	role := "Member"
	if owner {
		role = "Owner"
	}
	writeJSON(w, http.StatusOK, getUserResponse{
		userJSON: renderUser(u, owner), AccountID: c.acct.ID,
		AccountNumber: 10000000 + int64(len(c.acct.ID))*1000, Cluster: "us06", RoleName: role,
	})
}
