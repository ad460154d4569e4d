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
-- A click is written into its search's row later (clicked_at), and a removed person's searches lose their user_id: the
-- day is marked stale by the same function as an insert (migration 0008), so the spans summing its searches are
-- built again and reports read it raw until then.
CREATE TRIGGER "search_log_mark_updated_days" AFTER UPDATE ON "search_log" REFERENCING NEW TABLE AS "written"
  FOR EACH STATEMENT EXECUTE FUNCTION "usage_mark_days_stale"();
--> statement-breakpoint
-- Spans built before they kept the searches are built again by the next rollup run.
DELETE FROM "usage_spans";
