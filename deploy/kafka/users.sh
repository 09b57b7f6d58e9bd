#!/bin/sh
# One SASL/SCRAM-SHA-512 user per service (mutasi-assessment, mutasi-placement, mutasi-training, mutasi-evaluation).
# Needs: KAFKA (bootstrap), ADMIN_CONFIG (client properties of a super user) and one password per service in
# MUTASI_KAFKA_PASSWORD_<SERVICE> (the same values the Secret mutasi-kafka gives each Deployment).
set -eu
for service in assessment placement training evaluation console; do
  var="MUTASI_KAFKA_PASSWORD_$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  password=$(printenv "$var") || { echo "set $var" >&2; exit 1; }
  kafka-configs.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --alter \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" \
    --entity-type users --entity-name "mutasi-$service"
done
