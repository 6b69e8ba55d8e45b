package dev.netsvc.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.File;
import java.net.InetSocketAddress;

/**
 * The peer: Netty 4.2's echo server written the way Netty's own example (io.netty.example.echo) writes
 * it — a boss group of one and a worker group of default size (two per core) on the NIO transport, a
 * shared handler that writes on read and flushes when the read batch completes.
 *
 * <p>Departures from the example, all to make the comparison fair: it binds 127.0.0.1 and the port
 * given (0: any), with the same listen backlog as netsvc (1024, not the example's 100, which would turn
 * the 10,000-connection memory test into a test of SYN retries); no SSL and no LoggingHandler (it would
 * log every accepted connection). It prints {@code listening on HOST:PORT} once bound.
 *
 * <p>With a certificate and its key (PEM, PKCS#8) it serves TLS 1.3 through the example's SslHandler on
 * the JDK's provider, as netsvc does (bench/pairs.sh's tls-echo workloads).
 *
 * <p>Usage: {@code java -cp ... dev.netsvc.bench.echo.NettyEchoServer PORT [CERT KEY]}
 */
public final class NettyEchoServer {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        SslContext tls = args.length > 2 ? SslContextBuilder.forServer(new File(args[1]), new File(args[2]))
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").build() : null;
        EventLoopGroup bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        EchoServerHandler serverHandler = new EchoServerHandler();
        try {
            ServerBootstrap b = new ServerBootstrap();
            b.group(bossGroup, workerGroup)
             .channel(NioServerSocketChannel.class)
             .option(ChannelOption.SO_BACKLOG, 1024)
             .childHandler(new ChannelInitializer<SocketChannel>() {
                 @Override
                 public void initChannel(SocketChannel ch) {
                     if (tls != null) {
                         ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                     }
                     ch.pipeline().addLast(serverHandler);
                 }
             });
            Channel server = b.bind("127.0.0.1", port).sync().channel();
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            System.out.println("listening on 127.0.0.1:" + bound.getPort());
            System.out.flush();
            server.closeFuture().sync();
        } finally {
            bossGroup.shutdownGracefully().sync();
            workerGroup.shutdownGracefully().sync();
        }
    }

    /** Netty's EchoServerHandler. */
    @Sharable
    static final class EchoServerHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the example prints the stack trace; a benchmark client closing is not worth one
            ctx.close();
        }
    }
}
