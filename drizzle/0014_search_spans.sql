CREATE TABLE "search_span_queries" (
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"query" text NOT NULL,
	"zero" boolean NOT NULL,
	"count" integer NOT NULL,
	"clicks" integer NOT NULL,
	"last_at" timestamp (3) with time zone NOT NULL,
	"user_ids" uuid[] NOT NULL,
	CONSTRAINT "search_span_queries_from_day_to_day_query_zero_pk" PRIMARY KEY("from_day","to_day","query","zero")
);
--> statement-breakpoint
ALTER TABLE "search_span_queries" ADD CONSTRAINT "search_span_queries_from_day_to_day_usage_spans_from_day_to_day_fk" FOREIGN KEY ("from_day","to_day") REFERENCES "public"."usage_spans"("from_day","to_day") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- A click is written into its search's row later (clicked_at): the day is marked stale, so the spans summing its
-- searches are built again and reports read it raw until then.
CREATE FUNCTION "search_log_mark_clicked_days_stale"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage_rollup_days" ("day", "stale")
  SELECT DISTINCT ("at" AT TIME ZONE 'UTC')::date, true FROM "clicked"
  ON CONFLICT ("day") DO UPDATE SET "stale" = true WHERE NOT "usage_rollup_days"."stale";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "search_log_mark_clicked_days" AFTER UPDATE ON "search_log" REFERENCING NEW TABLE AS "clicked"
  FOR EACH STATEMENT EXECUTE FUNCTION "search_log_mark_clicked_days_stale"();
--> statement-breakpoint
-- Spans built before they kept the searches are built again by the next rollup run.
DELETE FROM "usage_spans";
