/**
 * Whether a process with this pid exists on this host (signal 0 probes without sending anything). EPERM means it
 * exists but belongs to another user. Used to tell a live writer or a live tracked run from one killed with -9.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
