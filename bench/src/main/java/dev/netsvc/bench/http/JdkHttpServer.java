package dev.netsvc.bench.http;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** The JDK peer: {@code com.sun.net.httpserver.HttpServer} on virtual threads, serving one file from memory. */
public final class JdkHttpServer {

    private JdkHttpServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        PeerFile file = PeerFile.load(args[1]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", file.contentType());
            exchange.sendResponseHeaders(200, file.content().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(file.content());
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }
}
