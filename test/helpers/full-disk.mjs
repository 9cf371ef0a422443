// Preloaded (node --import) into a `tc run` to make the disk fill up under its log: after
// TC_FULL_DISK_AFTER bytes written to segment files, every further write to them fails with ENOSPC.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const limit = Number(process.env.TC_FULL_DISK_AFTER ?? 0);
const segments = new Set();
let written = 0;
const openSync = fs.openSync;
fs.openSync = function (path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (/\/log\/\d{8}$/.test(String(path))) segments.add(fd);
  return fd;
};
const writeSync = fs.writeSync;
fs.writeSync = function (fd, buffer, offset, length, ...rest) {
  if (segments.has(fd)) {
    const n = typeof length === 'number' ? length : buffer.length;
    if (written + n > limit) {
      // A partial write first, as a disk that fills up mid-batch does.
      const room = Math.max(0, limit - written);
      if (room > 0) {
        written += room;
        writeSync.call(this, fd, buffer, offset ?? 0, room, ...rest);
        return room;
      }
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    written += n;
  }
  return writeSync.call(this, fd, buffer, offset, length, ...rest);
};
syncBuiltinESMExports();
