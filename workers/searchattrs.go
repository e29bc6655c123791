package main

import (
	"context"
	"fmt"
	"log/slog"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/workflows"
)

// ensureSearchAttributes registers meetvault's custom search attributes when
// the namespace lacks them, so a workflow never fails to upsert them.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string, log *slog.Logger) error {
	op := c.OperatorService()
	have, err := op.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("temporal: listing search attributes of namespace %s: %w", namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, k := range []string{workflows.AttrTenant.GetName(), workflows.AttrSource.GetName(),
		workflows.AttrMeetingUUID.GetName(), workflows.AttrStatus.GetName(),
		workflows.AttrBotStatus.GetName(), workflows.AttrSubCode.GetName()} {
		if _, ok := have.GetCustomAttributes()[k]; !ok {
			missing[k] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
		}
	}
	if len(missing) == 0 {
		return nil
	}
	log.Info("registering search attributes", "namespace", namespace, "count", len(missing))
	if _, err := op.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	}); err != nil {
		return fmt.Errorf("temporal: registering search attributes %v (ask your Temporal operator to add them as Keyword): %w", missing, err)
	}
	return nil
}
