using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace GridActors.Runtime.Cluster;

/// <summary>
/// An Akka.Remote transport driver over plain TCP sockets, the cluster's default (<c>akka.tcp://</c> addresses, the same
/// Akka protocol, handshake, failure detection and serializers on top; only the bytes move differently). Each
/// connection has one reader thread blocked in <c>recv</c> that hands every frame straight to Akka, and writes go to
/// the socket on the caller's thread under a lock — no I/O event loop in between. Between nodes in a lease every promise
/// is on the critical path, and DotNetty's path (a write queued to its event loop, a read completed on .NET's socket
/// engine and queued to another loop) added two thread wake-ups on each side of every hop.
/// Frames are a 4-byte big-endian length and the payload, as with DotNetty's TCP transport.
/// </summary>
public sealed class SocketTransport : Akka.Remote.Transport.Transport
{
    private readonly string _hostname;
    private readonly int _port;
    private readonly int _bufferSize;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _sendTimeout;
    private readonly TaskCompletionSource<IAssociationEventListener> _listener = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<SocketHandle, byte> _handles = new();
    private Socket? _server;
    private Address? _local;
    private volatile bool _shutdown;

    public SocketTransport(ActorSystem system, Config config)
    {
        System = system;
        Config = config;
        var hostname = config.GetString("hostname");
        _hostname = string.IsNullOrEmpty(hostname) ? "127.0.0.1" : hostname;
        _port = config.GetInt("port", 0);
        long max = config.GetByteSize("maximum-frame-size") ?? 128_000;
        if (max < 32_000 || max > int.MaxValue) throw new ConfigurationException($"maximum-frame-size must be between 32000 bytes and 2 GiB, not {max}");
        MaximumPayloadBytes = max;
        _bufferSize = (int)(config.GetByteSize("socket-buffer-size") ?? 4 << 20);
        _connectTimeout = config.GetTimeSpan("connection-timeout", TimeSpan.FromSeconds(15), allowInfinite: false);
        _sendTimeout = config.GetTimeSpan("send-timeout", TimeSpan.FromSeconds(20), allowInfinite: false);
        SchemeIdentifier = "tcp";
    }

    public override bool IsResponsibleFor(Address remote) => true;

    public override Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        // A failure must come back as a faulted task: that is what makes Akka refuse to start the node (a thrown
        // exception only restarts its endpoint manager, and the node would hang).
        Socket? server = null;
        try
        {
            var ip = Resolve(_hostname);
            server = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            server.Bind(new IPEndPoint(ip, _port));
            server.Listen(128);
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            server?.Dispose();
            return Task.FromException<(Address, TaskCompletionSource<IAssociationEventListener>)>(
                new RemoteTransportException($"cannot listen on {_hostname}:{_port}: {ex.Message}", ex));
        }
        _server = server;
        int port = ((IPEndPoint)server.LocalEndPoint!).Port;
        _local = new Address(SchemeIdentifier, System.Name, _hostname, port);
        // Connections are accepted once Akka registered its listener; until then they wait in the backlog.
        _listener.Task.ContinueWith(t => new Thread(() => AcceptLoop(t.Result)) { IsBackground = true, Name = "gridactors-tcp-accept" }.Start(),
            TaskContinuationOptions.OnlyOnRanToCompletion);
        return Task.FromResult((_local, _listener));
    }

    private void AcceptLoop(IAssociationEventListener listener)
    {
        while (!_shutdown)
        {
            Socket socket;
            try
            {
                socket = _server!.Accept();
            }
            catch (Exception) when (_shutdown)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a connection that failed while being accepted
            }
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            var handle = Open(socket, new Address(SchemeIdentifier, System.Name, remote.Address.ToString(), remote.Port));
            listener.Notify(new InboundAssociation(handle));
        }
    }

    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        if (_local is null || _shutdown) throw new InvalidAssociationException("transport is not listening");
        if (remoteAddress.Host is not string host || remoteAddress.Port is not int port)
            throw new InvalidAssociationException($"address {remoteAddress} has no host or port");
        IPAddress ip;
        try
        {
            ip = Resolve(host);
        }
        catch (Exception ex)
        {
            throw new InvalidAssociationException($"cannot resolve {host}: {ex.Message}", ex);
        }
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(_connectTimeout);
            await socket.ConnectAsync(new IPEndPoint(ip, port), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            throw new InvalidAssociationException($"failed to connect to {remoteAddress}: {ex.Message}", ex);
        }
        return Open(socket, remoteAddress);
    }

    private SocketHandle Open(Socket socket, Address remote)
    {
        socket.NoDelay = true;
        socket.SendBufferSize = _bufferSize;
        socket.ReceiveBufferSize = _bufferSize;
        socket.SendTimeout = (int)_sendTimeout.TotalMilliseconds;
        var handle = new SocketHandle(this, _local!, remote, socket);
        _handles[handle] = 0;
        if (_shutdown) handle.Close();
        return handle;
    }

    public override Task<bool> Shutdown()
    {
        _shutdown = true;
        try
        {
            _server?.Dispose();
        }
        catch (SocketException)
        {
        }
        foreach (var h in _handles.Keys) h.Close();
        return Task.FromResult(true);
    }

    private static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip
        : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
          ?? throw new InvalidOperationException($"{host} has no IPv4 address");

    /// <summary>One TCP connection: writes on the caller's thread, reads on its own thread.</summary>
    private sealed class SocketHandle : AssociationHandle
    {
        private readonly SocketTransport _transport;
        private readonly Socket _socket;
        private readonly object _writeLock = new();
        private byte[] _frame = new byte[64 * 1024];
        private int _closed;
        private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SocketHandle(SocketTransport transport, Address local, Address remote, Socket socket) : base(local, remote)
        {
            _transport = transport;
            _socket = socket;
            new Thread(ReadLoop) { IsBackground = true, Name = "gridactors-tcp-read" }.Start();
        }

        public override bool Write(ByteString payload)
        {
            if (Volatile.Read(ref _closed) != 0) return false;
            int length = payload.Length;
            lock (_writeLock)
            {
                if (_frame.Length < length + 4) _frame = new byte[Math.Max(length + 4, _frame.Length * 2)];
                BinaryPrimitives.WriteInt32BigEndian(_frame, length);
                payload.Span.CopyTo(_frame.AsSpan(4));
                try
                {
                    int sent = 0;
                    while (sent < length + 4) sent += _socket.Send(_frame, sent, length + 4 - sent, SocketFlags.None);
                    return true;
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // A broken or stuck connection (a frame may be cut): close it; the reader reports the disassociation.
                    Close();
                    return false;
                }
            }
        }

#pragma warning disable CS0672 // Akka's obsolete overload is the one a driver implements
        public override void Disassociate() => Close();
#pragma warning restore CS0672

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            _closing.TrySetResult(); // a reader still waiting for Akka's listener (the handshake never finished) ends too
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            _socket.Dispose();
            _transport._handles.TryRemove(this, out _);
        }

        private void ReadLoop()
        {
            // Akka registers the reader once the association is set up; until then bytes wait in the socket.
            Task.WaitAny(ReadHandlerSource.Task, _closing.Task);
            if (!ReadHandlerSource.Task.IsCompletedSuccessfully)
            {
                Close();
                return;
            }
            var listener = ReadHandlerSource.Task.Result;
            try
            {
                // The buffer lets one recv bring in many small frames; a large payload is read straight into its array.
                using var stream = new BufferedStream(new NetworkStream(_socket, ownsSocket: false), 256 * 1024);
                var header = new byte[4];
                while (stream.ReadAtLeast(header, 4, throwOnEndOfStream: false) == 4) // fewer: the peer closed the connection
                {
                    int length = BinaryPrimitives.ReadInt32BigEndian(header);
                    if (length < 0 || length > _transport.MaximumPayloadBytes)
                        throw new InvalidDataException($"frame of {length} bytes from {RemoteAddress} (maximum-frame-size {_transport.MaximumPayloadBytes})");
                    var payload = new byte[length];
                    stream.ReadExactly(payload);
                    if (length > 0) listener.Notify(new InboundPayload(UnsafeByteOperations.UnsafeWrap(payload)));
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException)
            {
            }
            Close();
            listener.Notify(new Disassociated(DisassociateInfo.Unknown));
        }
    }
}
