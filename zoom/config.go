package zoom

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// validate checks cfg and explains how to fix each problem. needCreds is
// false for clients built on a caller-supplied token source.
func (cfg Config) validate(needCreds bool) error {
	var errs []error
	if needCreds {
		if strings.TrimSpace(cfg.AccountID) == "" {
			errs = append(errs, errors.New("AccountID is empty: set it to the Account ID shown on the Server-to-Server OAuth app's App Credentials page"))
		}
		if strings.TrimSpace(cfg.ClientID) == "" {
			errs = append(errs, errors.New("ClientID is empty: set it to the Client ID of the account's Server-to-Server OAuth app"))
		}
		if strings.TrimSpace(cfg.ClientSecret) == "" {
			errs = append(errs, errors.New("ClientSecret is empty: set it to the Client secret of the account's Server-to-Server OAuth app"))
		}
	}
	if _, err := parseBaseURL("APIBaseURL", cfg.APIBaseURL, DefaultAPIBaseURL); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseBaseURL("OAuthBaseURL", cfg.OAuthBaseURL, DefaultOAuthBaseURL); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	label := "zoom: invalid config"
	if cfg.AccountID != "" {
		label += fmt.Sprintf(" for account %q", cfg.AccountID)
	}
	return fmt.Errorf("%s: %w", label, errors.Join(errs...))
}

// parseBaseURL returns raw (or def when raw is empty) as an absolute http(s)
// URL without a trailing slash.
func parseBaseURL(field, raw, def string) (*url.URL, error) {
	s := strings.TrimRight(orDefault(raw, def), "/")
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a URL: %v", field, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s %q must be an absolute http(s) URL such as %q", field, raw, def)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s %q must not carry a query or fragment", field, raw)
	}
	return u, nil
}
