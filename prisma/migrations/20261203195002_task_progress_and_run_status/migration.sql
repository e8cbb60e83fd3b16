ALTER TABLE "sync_tasks" ADD COLUMN     "progress_at" TIMESTAMPTZ(3);
CREATE INDEX "sync_runs_status_idx" ON "sync_runs"("status");
