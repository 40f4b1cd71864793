-- Every persisted CloudEvent. (tenant, source, id) is the CloudEvents identity: a replay or a client retry is
-- absorbed by ON CONFLICT DO NOTHING. seq orders rows by persist time; ts is the event's position in time
-- (its time attribute, else when Surge received it), which every query sorts and filters on.
CREATE TABLE events (
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  tenant          text        NOT NULL,
  source          text        NOT NULL,
  id              text        NOT NULL,
  type            text        NOT NULL,
  specversion     text        NOT NULL,
  datacontenttype text,
  dataschema      text,
  subject         text,
  time            text,
  ts              timestamptz NOT NULL,
  extensions      jsonb       NOT NULL,
  data_json       jsonb,
  data_bytes      bytea,
  received_at     timestamptz NOT NULL,
  kafka_topic     text        NOT NULL,
  kafka_partition int         NOT NULL,
  kafka_offset    bigint      NOT NULL,
  PRIMARY KEY (tenant, source, id)
);

CREATE INDEX events_by_ts ON events (tenant, ts DESC, seq DESC);
CREATE INDEX events_by_subject ON events (tenant, subject, ts DESC, seq DESC) WHERE subject IS NOT NULL;
CREATE INDEX events_by_type ON events (tenant, type, ts DESC, seq DESC);
CREATE INDEX events_by_id ON events (tenant, id);
-- /v1/stats counts events by the minute they were persisted; received_at grows with the table, so a BRIN
-- index is enough and costs inserts next to nothing.
CREATE INDEX events_by_received ON events USING brin (received_at);
