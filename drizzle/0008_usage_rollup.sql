CREATE TABLE "search_shown_daily" (
	"day" date NOT NULL,
	"asset_id" uuid NOT NULL,
	"shown" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"day" date NOT NULL,
	"asset_id" uuid NOT NULL,
	"user_id" uuid,
	"view" integer NOT NULL,
	"click" integer NOT NULL,
	"download" integer NOT NULL,
	"share" integer NOT NULL,
	"copy_link" integer NOT NULL,
	"presented" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_rollup_days" (
	"day" date PRIMARY KEY NOT NULL,
	"stale" boolean NOT NULL,
	"rolled_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_shown_daily_day_idx" ON "search_shown_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "usage_daily_day_idx" ON "usage_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "usage_daily_asset_day_idx" ON "usage_daily" USING btree ("asset_id","day");--> statement-breakpoint
-- Whatever writes events or searches (the write buffer, the demo, an import, psql), the days it wrote are marked
-- stale in its own transaction, so the rollup reads them again and reports never miss a late row.
CREATE FUNCTION "usage_mark_days_stale"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage_rollup_days" ("day", "stale")
  SELECT DISTINCT ("at" AT TIME ZONE 'UTC')::date, true FROM "written"
  ON CONFLICT ("day") DO UPDATE SET "stale" = true WHERE NOT "usage_rollup_days"."stale";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "usage_events_mark_days" AFTER INSERT ON "usage_events" REFERENCING NEW TABLE AS "written"
  FOR EACH STATEMENT EXECUTE FUNCTION "usage_mark_days_stale"();
--> statement-breakpoint
CREATE TRIGGER "search_log_mark_days" AFTER INSERT ON "search_log" REFERENCING NEW TABLE AS "written"
  FOR EACH STATEMENT EXECUTE FUNCTION "usage_mark_days_stale"();
--> statement-breakpoint
-- Every day already written is to be rolled up.
INSERT INTO "usage_rollup_days" ("day", "stale")
SELECT ("at" AT TIME ZONE 'UTC')::date, true FROM "usage_events" UNION SELECT ("at" AT TIME ZONE 'UTC')::date, true FROM "search_log";
