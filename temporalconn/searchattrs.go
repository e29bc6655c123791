package temporalconn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/workflows"
)

// SearchAttributes are the custom search attributes meetvault's workflows
// upsert, all of type Keyword. A namespace lacking one makes those upserts
// fail, so `starter admin setup` registers them and the worker and the
// doctor check them.
func SearchAttributes() []string {
	return []string{
		workflows.AttrTenant.GetName(), workflows.AttrSource.GetName(),
		workflows.AttrMeetingUUID.GetName(), workflows.AttrStatus.GetName(),
		workflows.AttrBotStatus.GetName(), workflows.AttrSubCode.GetName(),
	}
}

// SetupFix is what to do about missing search attributes, for messages.
const SetupFix = "run `starter admin setup` (self-hosted), or on Temporal Cloud: " +
	"tcld namespace search-attributes add --namespace NS --search-attribute NAME=Keyword for each"

// ErrCannotCheck is wrapped when this client may not list the namespace's
// search attributes.
var ErrCannotCheck = errors.New("temporal: cannot check the search attributes with these credentials (run starter doctor with operator credentials)")

// newNamespaceWait bounds how long Setup waits for a new namespace to be
// known to the frontend.
const newNamespaceWait = 30 * time.Second

// setupNeeds is what registering search attributes takes, for errors.
const setupNeeds = "needs operator rights and a visibility store with custom search attributes: " +
	"Elasticsearch, or PostgreSQL 12+ / MySQL 8.0.17+ / SQLite; on Temporal Cloud use tcld"

// CheckNamespace says whether the namespace exists and the client may use it.
func CheckNamespace(ctx context.Context, c client.Client, namespace string) error {
	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("temporal: namespace %s: %w (create it, e.g. temporal operator namespace create %s, or check MEETVAULT_TEMPORAL_NAMESPACE)",
			namespace, err, namespace)
	}
	return nil
}

// MissingSearchAttributes lists the meetvault search attributes the
// namespace lacks, and those registered with a type other than Keyword.
func MissingSearchAttributes(ctx context.Context, c client.Client, namespace string) (missing, wrongType []string, err error) {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, nil, fmt.Errorf("temporal: listing search attributes of namespace %s: %w", namespace, err)
	}
	for _, name := range SearchAttributes() {
		t, ok := have.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing = append(missing, name)
		case t != enumspb.INDEXED_VALUE_TYPE_KEYWORD:
			wrongType = append(wrongType, name+" ("+t.String()+")")
		}
	}
	return missing, wrongType, nil
}

// RequireSearchAttributes fails, saying how to fix it, unless the namespace
// has every meetvault search attribute. The worker calls it at start-up
// instead of registering them itself: on a shared or managed cluster a
// worker should not need operator rights.
//
// When the client may not list search attributes (PermissionDenied or
// Unimplemented, as some managed clusters answer a worker's credentials),
// the error wraps ErrCannotCheck: the caller may log it and go on.
func RequireSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	missing, wrongType, err := MissingSearchAttributes(ctx, c, namespace)
	var denied *serviceerror.PermissionDenied
	var unimplemented *serviceerror.Unimplemented
	if errors.As(err, &denied) || errors.As(err, &unimplemented) {
		return fmt.Errorf("%w: %w", ErrCannotCheck, err)
	}
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("temporal: namespace %s lacks the search attributes %v: %s", namespace, missing, SetupFix)
	}
	if len(wrongType) > 0 {
		return fmt.Errorf("temporal: namespace %s has search attributes of the wrong type %v: they must be Keyword", namespace, wrongType)
	}
	return nil
}

// Setup registers the missing meetvault search attributes (Keyword) in the
// namespace and returns the names it added. It is idempotent.
//
// A namespace created moments ago may not be known yet to every frontend
// (the server caches its namespace registry for a few seconds): Setup waits
// up to newNamespaceWait for it instead of failing, so it can run right
// after the namespace is created (docker-compose.yml does).
func Setup(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	var missing, wrongType []string
	var err error
	deadline := time.Now().Add(newNamespaceWait)
	for {
		missing, wrongType, err = MissingSearchAttributes(ctx, c, namespace)
		var nf *serviceerror.NamespaceNotFound
		if !errors.As(err, &nf) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	if err != nil {
		return nil, err
	}
	if len(wrongType) > 0 {
		return nil, fmt.Errorf("temporal: namespace %s has search attributes of the wrong type %v: remove them (temporal operator search-attribute remove) and run setup again", namespace, wrongType)
	}
	if len(missing) == 0 {
		return nil, nil
	}
	add := map[string]enumspb.IndexedValueType{}
	for _, name := range missing {
		add[name] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
	}
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: add,
	}); err != nil {
		return nil, fmt.Errorf("temporal: registering search attributes %v in namespace %s: %w (%s)", missing, namespace, err, setupNeeds)
	}
	slices.Sort(missing)
	return missing, nil
}
