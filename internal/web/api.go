package web

import (
	"net/http"
	"time"

	"wiis/internal/auth"
)

// Me is the caller as the API sees it.
type Me struct {
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Roles       []auth.Role `json:"roles"`
	Region      string      `json:"region"`
}

// TokenRequest asks for a new API token.
type TokenRequest struct {
	Name string `json:"name"`
}

// NewToken is the answer to TokenRequest: the secret is shown this once.
type NewToken struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Token     string    `json:"token"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) installAPI() {
	for _, rt := range []Route{
		{Method: "GET", Pattern: "/api/openapi.json", Perm: auth.Public, Handler: s.openAPI},
		{Method: "GET", Pattern: "/api/v1/me", Perm: auth.SignedIn, Handler: s.apiMe,
			API: &APIDoc{Summary: "当前用户 / The calling user", Response: Me{}}},
		{Method: "GET", Pattern: "/api/v1/tokens", Perm: auth.SignedIn, Handler: s.apiTokens,
			API: &APIDoc{Summary: "我的接口令牌 / My API tokens", Response: []auth.APIToken{}}},
		{Method: "POST", Pattern: "/api/v1/tokens", Perm: auth.SignedIn, Handler: s.apiTokenCreate,
			API: &APIDoc{Summary: "生成接口令牌 / Create an API token", Description: "The secret is returned once; only its hash is stored.",
				Request: TokenRequest{}, Response: NewToken{}, Status: http.StatusCreated}},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Perm: auth.SignedIn, Handler: s.apiTokenRevoke,
			API: &APIDoc{Summary: "吊销接口令牌 / Revoke an API token", Status: http.StatusNoContent}},
	} {
		s.Handle(rt)
	}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u := CurrentUser(r)
	return WriteJSON(w, http.StatusOK, Me{u.Username, u.DisplayName, u.Roles, u.Region})
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	toks, err := s.Auth.APITokens(r.Context(), CurrentUser(r))
	if err != nil {
		return err
	}
	if toks == nil {
		toks = []auth.APIToken{}
	}
	return WriteJSON(w, http.StatusOK, toks)
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var req TokenRequest
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	tok, t, err := s.Auth.CreateAPIToken(r.Context(), ActorOf(r), CurrentUser(r), req.Name)
	if err != nil {
		return err
	}
	return WriteJSON(w, http.StatusCreated, NewToken{t.ID, t.Name, tok, t.CreatedAt})
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeAPIToken(r.Context(), ActorOf(r), CurrentUser(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
