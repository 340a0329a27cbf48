"""RQ workers: queues, the app-context worker, thin jobs and the recurring-job table."""
