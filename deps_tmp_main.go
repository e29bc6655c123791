package meetvault

import (
	_ "go.temporal.io/sdk/client"
	_ "go.temporal.io/sdk/worker"
	_ "go.temporal.io/sdk/testsuite"
	_ "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/credentials"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "golang.org/x/oauth2/clientcredentials"
	_ "github.com/kelseyhightower/envconfig"
	_ "github.com/pressly/goose/v3"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/time/rate"
	_ "github.com/stretchr/testify/require"
	_ "github.com/schollz/progressbar/v3"
)

