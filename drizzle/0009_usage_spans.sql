CREATE TABLE "usage_day_people" (
	"day" date NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "usage_day_people_day_user_id_pk" PRIMARY KEY("day","user_id")
);
--> statement-breakpoint
CREATE TABLE "usage_day_totals" (
	"day" date PRIMARY KEY NOT NULL,
	"view" integer NOT NULL,
	"click" integer NOT NULL,
	"download" integer NOT NULL,
	"share" integer NOT NULL,
	"copy_link" integer NOT NULL,
	"presented" integer NOT NULL,
	"uses" integer NOT NULL,
	"searches" integer NOT NULL,
	"zero_result_searches" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_span_assets" (
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"asset_id" uuid NOT NULL,
	"view" integer NOT NULL,
	"click" integer NOT NULL,
	"download" integer NOT NULL,
	"share" integer NOT NULL,
	"copy_link" integer NOT NULL,
	"presented" integer NOT NULL,
	"opens" integer NOT NULL,
	"uses" integer NOT NULL,
	"shown" integer NOT NULL,
	CONSTRAINT "usage_span_assets_from_day_to_day_asset_id_pk" PRIMARY KEY("from_day","to_day","asset_id")
);
--> statement-breakpoint
CREATE TABLE "usage_spans" (
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"built_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "usage_spans_from_day_to_day_pk" PRIMARY KEY("from_day","to_day")
);
--> statement-breakpoint
ALTER TABLE "usage_day_people" ADD CONSTRAINT "usage_day_people_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_span_assets" ADD CONSTRAINT "usage_span_assets_from_day_to_day_usage_spans_from_day_to_day_fk" FOREIGN KEY ("from_day","to_day") REFERENCES "public"."usage_spans"("from_day","to_day") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Rows of usage_daily deleted other than by the rollup itself (an asset deleted with its usage, by cascade) leave
-- the day totals and the spans summed from them behind: the days are marked stale, so reports read them raw until
-- they are rolled up again (the rollup's own delete marks its day too, and clears the mark when it is done).
CREATE FUNCTION "usage_daily_mark_days_stale"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage_rollup_days" ("day", "stale")
  SELECT DISTINCT "day", true FROM "removed"
  ON CONFLICT ("day") DO UPDATE SET "stale" = true WHERE NOT "usage_rollup_days"."stale";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "usage_daily_mark_days" AFTER DELETE ON "usage_daily" REFERENCING OLD TABLE AS "removed"
  FOR EACH STATEMENT EXECUTE FUNCTION "usage_daily_mark_days_stale"();
--> statement-breakpoint
-- Days rolled up before the day totals and people existed are rolled up again, to fill them.
UPDATE "usage_rollup_days" SET "stale" = true;
