# meetvault binaries (workers, starter, zoomsim) in one small image.
#   docker build -t meetvault .
#   docker run --rm meetvault                       # the worker + webhook ingress
#   docker run --rm --entrypoint starter meetvault --help
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/ \
	./workers ./starter ./zoomsim/cmd/zoomsim

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
USER nonroot:nonroot
EXPOSE 8088 9090
ENTRYPOINT ["/usr/local/bin/workers"]
