// A child process of the extraction pool (pool.ts): reads and extracts one document at a time, under
// the V8 heap limit its parent gave it. Whatever blows up here takes down this process only.
import { extractBytes, type BytesInput } from '../pipeline.ts';
import type { ChildReply, ChildTask } from './pool.ts';

const send = (m: ChildReply) => process.send?.(m);

process.on('message', async (task: ChildTask) => {
  try {
    const record = await extractBytes(task.bytes, task.input as BytesInput);
    send({ id: task.id, ok: true, record });
  } catch (e) {
    send({ id: task.id, ok: false, message: (e instanceof Error ? e.message : String(e)).split('\n')[0]! });
  }
});
// The parent went away (it exited or was killed): nothing left to do.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
