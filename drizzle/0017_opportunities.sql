CREATE TABLE "opportunities" (
	"external_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"currency" text NOT NULL,
	"stage" text NOT NULL,
	"outcome" text NOT NULL,
	"closed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "opportunities_closed_idx" ON "opportunities" USING btree ("outcome","closed_at");--> statement-breakpoint
CREATE INDEX "shares_opportunity_idx" ON "shares" USING btree ("opportunity");