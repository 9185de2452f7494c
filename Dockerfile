# syntax=docker/dockerfile:1
# Vigil container image: multi-stage, non-root, works with a read-only root filesystem.
#   docker build -t vigil .
#   docker run --read-only -v vigil-state:/var/lib/vigil -p 8000:8000 vigil run --config /etc/vigil/vigil.yaml
# The only writable paths the service needs are the state dir (detector snapshots, the embedded event store) and /tmp.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY eng/ eng/
COPY src/ src/
RUN dotnet restore src/Vigil/Vigil.csproj -r linux-x64
RUN dotnet publish src/Vigil/Vigil.csproj -c Release -r linux-x64 --self-contained false --no-restore \
        -o /app /p:UseAppHost=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# A fixed numeric uid, so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
ARG VIGIL_UID=10001
RUN useradd --uid ${VIGIL_UID} --no-create-home --shell /usr/sbin/nologin vigil \
    && mkdir -p /var/lib/vigil /etc/vigil \
    && chown ${VIGIL_UID}:${VIGIL_UID} /var/lib/vigil
COPY --from=build /app /app
# Read-only root: no diagnostics IPC socket or perf map files in /tmp unless asked for, and a state dir on a volume.
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0 \
    VIGIL_STATE_DIR=/var/lib/vigil \
    LISTEN_PORT=8000
USER ${VIGIL_UID}:${VIGIL_UID}
VOLUME ["/var/lib/vigil"]
# Liveness and readiness are HTTP probes (/healthz, /readyz): the runtime image has no curl, so orchestrators probe.
EXPOSE 8000
ENTRYPOINT ["/app/vigil"]
CMD ["run", "--config", "/etc/vigil/vigil.yaml"]
