package dev.letterpress.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks read of the machine: CPU of this process, its JIT compilers and a child process; heap peaks. */
final class BenchMeter {
    private BenchMeter() {}

    /** CPU time of the whole process (all threads, GC included): steadier than wall time on a busy machine. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /**
     * CPU seconds the JIT compiler threads have used so far (Linux: /proc/self/task; NaN elsewhere). The JVM ends idle
     * compiler threads, and a thread's time goes with it, so a difference of two readings can only under-count.
     * (CompilationMXBean's total is the compilations' elapsed time instead, which on busy cores includes waiting.)
     */
    static double jitCpuSeconds() {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String name;
                String stat;
                try {
                    name = Files.readString(task.resolve("comm"));
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    ticks += cpuTicks(stat);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return ticks / 100.0;
    }

    /** User plus system CPU seconds of a running process, from /proc (Linux); NaN when unknown. */
    static double cpuSeconds(Process p) {
        if (p == null) {
            return Double.NaN;
        }
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"))) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * utime plus stime of a /proc stat line, in clock ticks (100 a second on Linux). They are the 12th and 13th
     * fields after the command name, which is in parentheses and may hold spaces; the state is the first.
     */
    private static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Seconds with one decimal, or "-" for a reading this platform does not give (NaN). */
    static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format("%.1f", s);
    }

    static void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The heap pools' peaks since the last reset, summed (each pool peaks at its own moment). */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
