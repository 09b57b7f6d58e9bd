#!/bin/sh
# GENERATED from libs/contracts/src/mutasi/contracts/topics.py by `make acls`; do not edit by hand.
# Each service's SCRAM principal may write only the topics it produces and the DLQs of the topics it
# consumes, and read only the topics it consumes, through its own consumer groups (mutasi-<service>.*).
# Needs: KAFKA (bootstrap), ADMIN_CONFIG (client properties of a super user). See deploy/kafka/README.md.
set -eu

# assessment
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Describe --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Describe --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Describe --topic mutasi.follow-up-recommended.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Read --group mutasi-assessment. --resource-pattern-type prefixed
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Read --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Write --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-assessment --operation Write --topic mutasi.follow-up-recommended.v1.dlq --resource-pattern-type literal

# placement
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Describe --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Describe --topic mutasi.assessment-completed.v2.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Describe --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Describe --topic mutasi.follow-up-recommended.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Describe --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Describe --topic mutasi.round-announced.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Read --group mutasi-placement. --resource-pattern-type prefixed
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Read --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Read --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Write --topic mutasi.assessment-completed.v2.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Write --topic mutasi.follow-up-recommended.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Write --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-placement --operation Write --topic mutasi.round-announced.v1 --resource-pattern-type literal

# training
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.assessment-completed.v2.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.follow-up-recommended.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.mutation-decided.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.training-assigned.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Describe --topic mutasi.training-completed.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Read --group mutasi-training. --resource-pattern-type prefixed
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Read --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Read --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Read --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Write --topic mutasi.assessment-completed.v2.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Write --topic mutasi.follow-up-recommended.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Write --topic mutasi.mutation-decided.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Write --topic mutasi.training-assigned.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-training --operation Write --topic mutasi.training-completed.v1 --resource-pattern-type literal

# evaluation
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.evaluation-recorded.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.mutation-decided.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.training-assigned.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.training-assigned.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.training-completed.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Describe --topic mutasi.training-completed.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Read --group mutasi-evaluation. --resource-pattern-type prefixed
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Read --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Read --topic mutasi.training-assigned.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Read --topic mutasi.training-completed.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Write --topic mutasi.evaluation-recorded.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Write --topic mutasi.follow-up-recommended.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Write --topic mutasi.mutation-decided.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Write --topic mutasi.training-assigned.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-evaluation --operation Write --topic mutasi.training-completed.v1.dlq --resource-pattern-type literal

# console
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.assessment-completed.v2.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.mutation-decided.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.round-announced.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.round-announced.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.training-assigned.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Describe --topic mutasi.training-assigned.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Read --group mutasi-console. --resource-pattern-type prefixed
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Read --topic mutasi.assessment-completed.v2 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Read --topic mutasi.mutation-decided.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Read --topic mutasi.round-announced.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Read --topic mutasi.training-assigned.v1 --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Write --topic mutasi.assessment-completed.v2.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Write --topic mutasi.mutation-decided.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Write --topic mutasi.round-announced.v1.dlq --resource-pattern-type literal
kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add --allow-principal User:mutasi-console --operation Write --topic mutasi.training-assigned.v1.dlq --resource-pattern-type literal
