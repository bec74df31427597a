-- Migration 2: project settings (default VM size and provider) and a task's own VM size.
ALTER TABLE projects ADD COLUMN default_vm_size TEXT;
ALTER TABLE projects ADD COLUMN default_provider TEXT NOT NULL DEFAULT 'local';
ALTER TABLE tasks ADD COLUMN vm_size TEXT;
