package dev.netsvc.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds a plugin the way a third-party author does: with Maven, against the distribution's
 * {@code sdk/repository} only, offline. Maven's own plugins come from the repository the reactor build
 * used (as a read-only file:// mirror), and everything the build resolves lands in a private local
 * repository under the test's folder, so nothing is ever written to the shared ~/.m2.
 */
final class SdkBuild {

    static final String VERSION = System.getProperty("netsvc.version", "0.1.0");
    static final String ARCHETYPE_PLUGIN = "org.apache.maven.plugins:maven-archetype-plugin:3.4.0:generate";

    private final Path home;
    private final Path settings;
    private final Path localRepository;

    /** @param home the distribution whose sdk/ is used; {@code work} holds the settings and the private repository */
    SdkBuild(Path home, Path work) throws IOException {
        this.home = home;
        this.localRepository = work.resolve("m2");
        this.settings = work.resolve("settings.xml");
        String reactorRepository = System.getProperty("netsvc.m2", System.getProperty("user.home") + "/.m2/repository");
        String distSettings = Files.readString(home.resolve("sdk/settings.xml"));
        // the distribution's settings, plus: every repository but the SDK's is the reactor's local repository,
        // which keeps no checksum files, so their absence there is not warned about (the SDK's, whose
        // checksums an author's first build checks, keeps Maven's default policy)
        Files.writeString(settings, distSettings.replace("<profiles>", """
                <mirrors>
                    <mirror>
                      <id>reactor-repository</id>
                      <mirrorOf>*,!netsvc-sdk</mirrorOf>
                      <url>file://%s</url>
                    </mirror>
                  </mirrors>
                  <profiles>
                    <profile>
                      <id>reactor-repository</id>
                      <repositories>
                        <repository>
                          <id>central</id>
                          <url>https://repo.maven.apache.org/maven2</url>
                          <releases><checksumPolicy>ignore</checksumPolicy></releases>
                          <snapshots><enabled>false</enabled></snapshots>
                        </repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository>
                          <id>central</id>
                          <url>https://repo.maven.apache.org/maven2</url>
                          <releases><checksumPolicy>ignore</checksumPolicy></releases>
                          <snapshots><enabled>false</enabled></snapshots>
                        </pluginRepository>
                      </pluginRepositories>
                    </profile>""".formatted(reactorRepository))
                .replace("<activeProfiles>", "<activeProfiles>\n    <activeProfile>reactor-repository</activeProfile>"));
    }

    /** A fresh copy of the distribution, unpacked from the tarball the build made. */
    static Path unpackDistribution(Path into) throws IOException {
        String tarball = System.getProperty("netsvc.tarball");
        if (tarball == null) {
            throw new IllegalStateException("system property netsvc.tarball is not set; run through 'mvn verify'");
        }
        Files.createDirectories(into);
        DistProcess.Result r = Tools.run(Duration.ofSeconds(60), new byte[0], "tar", "-xzf", tarball, "-C", into.toString());
        if (r.exitCode() != 0) {
            throw new AssertionError("cannot unpack " + tarball + ": " + r);
        }
        return into.resolve("netsvc-" + VERSION);
    }

    /** Runs {@code mvn -o -q ARGS} in {@code dir} with the SDK settings; the result holds Maven's output. */
    DistProcess.Result mvn(Path dir, String... args) {
        List<String> quiet = new ArrayList<>(List.of("-q"));
        quiet.addAll(List.of(args));
        return mvnVerbose(dir, quiet.toArray(String[]::new));
    }

    /** Runs {@code mvn -o ARGS} with Maven's every line, warnings included. */
    DistProcess.Result mvnVerbose(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.require("mvn"), "-o", "-B",
                "-s", settings.toString(),
                "-Dnetsvc.home=" + home,
                "-Dmaven.repo.local=" + localRepository,
                // offline, but the file:// repositories may still be read
                "-Daether.offline.protocols=file"));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile(dir, "mvn", ".log");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " still running after 5 minutes:\n" + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new DistProcess.Result(p.exitValue(), output, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Generates a plugin project from the SDK's archetype into {@code dir}/{@code artifactId}. */
    Path generate(Path dir, String groupId, String artifactId, String pkg) {
        return generate(dir, groupId, artifactId, pkg, null);
    }

    /**
     * Like {@link #generate(Path, String, String, String)}, keeping Maven's output in {@code output} when it
     * is not null.
     */
    Path generate(Path dir, String groupId, String artifactId, String pkg, StringBuilder output) {
        DistProcess.Result r = mvnVerbose(dir, ARCHETYPE_PLUGIN,
                "-DarchetypeGroupId=dev.netsvc", "-DarchetypeArtifactId=netsvc-plugin-archetype",
                "-DarchetypeVersion=" + VERSION, "-DarchetypeCatalog=internal", "-DinteractiveMode=false",
                "-DgroupId=" + groupId, "-DartifactId=" + artifactId, "-Dversion=1.0.0", "-Dpackage=" + pkg);
        if (r.exitCode() != 0) {
            throw new AssertionError("archetype:generate failed: " + r);
        }
        if (output != null) {
            output.append(r.stdout());
        }
        return dir.resolve(artifactId);
    }
}
