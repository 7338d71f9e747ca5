using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;

namespace GridActors.Hosting.Control;

/// <summary>A fault to inject into a running run, as <c>gridactors inject</c> sends it (times as the user wrote them).</summary>
public sealed record InjectRequest(string Kind, string Target, string? At, string? Duration, double Fraction = 1, double Multiplier = 1);

/// <summary>The run's answer: the accepted injection (with the safe horizon it was checked against), or why not.</summary>
public sealed record InjectAnswer(bool Ok, string? Error = null, InjectionInfo? Injection = null, double? SafeHorizonSeconds = null);

/// <summary>
/// The run process's control endpoint on loopback: one JSON request per connection (<see cref="InjectRequest"/>), one JSON
/// answer (<see cref="InjectAnswer"/>) once the coordinator accepted it at a window boundary, or why not. Its address is
/// published in the registry. Requests are checked here (time, duration, fraction, multiplier, target) before they reach the
/// run; the coordinator checks the time again against the safe horizon when it takes them.
/// </summary>
public sealed class ControlEndpoint : IAsyncDisposable
{
    /// <summary>Longest request line read (a request is a few hundred bytes).</summary>
    public const int MaxRequestBytes = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly SupplyChainModel _model;
    private readonly FaultValidator _rules;
    private readonly InjectionGate _gate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Action<string> _log;

    public ControlEndpoint(SupplyChainModel model, InjectionGate gate, long endMicros, Action<string> log)
    {
        _model = model;
        _rules = FaultRules.For(model.Spec, endMicros);
        _gate = gate;
        _log = log;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public string Address => ((IPEndPoint)_listener.LocalEndpoint).ToString();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException)
            {
                // Out of descriptors or a reset before accept finished: pause instead of spinning on the error.
                try { await Task.Delay(50, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(new BoundedStream(stream, MaxRequestBytes), Encoding.UTF8, leaveOpen: true);
            var line = await reader.ReadLineAsync(_stop.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            var answer = await Handle(line).ConfigureAwait(false);
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(answer, RunFolderJson.Compact) + "\n");
            await stream.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception) { /* the client went away, sent too much, or the run is ending */ }
    }

    private static InjectAnswer Error(string message) => new(false, message);

    private async Task<InjectAnswer> Handle(string? line)
    {
        InjectRequest? req;
        try { req = line is null ? null : JsonSerializer.Deserialize<InjectRequest>(line, RunFolderJson.Compact); }
        catch (JsonException ex) { return Error("malformed request: " + ex.Message); }
        if (req is null) return Error("empty request");
        long safe = _gate.SafeHorizonMicros;
        if (!Injections.TryParseAt(req.At, safe, out long at, out var atError)) return Error(atError!);
        long duration = 0;
        if (req.Duration is { Length: > 0 } d)
        {
            if (!Scenarios.Quantity.TryParseDuration(Durations.WithSpace(d), out var dt, out var de)) return Error($"--duration '{d}': {de}");
            duration = dt.Micros;
        }
        var spec = new FaultSpec(req.Kind, req.Target, at, duration, req.Fraction, req.Multiplier);
        // The same rules as scenario files and run --outage (kind, target, start before the end, fraction, multiplier, duration).
        if (_rules.FirstProblem(spec) is string bad) return Error(bad);
        if (at < safe) return Error($"--at {Injections.Clock(at)} has already passed: the run is safe only from {Injections.Clock(safe)} on (use +DURATION for a time after it)");
        try
        {
            var injection = await _gate.Submit(at, i => _model.InjectionEvents(i, spec), spec).WaitAsync(TimeSpan.FromSeconds(60), _stop.Token).ConfigureAwait(false);
            _log($"injected #{injection.Index}: {spec.Kind} on {spec.Target} at {Injections.Clock(at)}" + (duration > 0 ? $" for {Injections.Clock(duration)}" : ""));
            return new InjectAnswer(true, null, Injections.Info(spec, injection.Index), safe / (double)SimTime.MicrosPerSecond);
        }
        catch (InjectionRejectedException ex) { return Error(ex.Message); }
        catch (TimeoutException) { return Error("the run did not reach a window boundary within 60 s"); }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try { await _loop.ConfigureAwait(false); } catch (Exception) { /* stopping */ }
        _stop.Dispose();
    }

    /// <summary>Reads at most <c>limit</c> bytes of the underlying stream (a request that never ends is cut off).</summary>
    private sealed class BoundedStream(Stream inner, int limit) : Stream
    {
        private readonly int _limit = limit;
        private int _left = limit;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous reads only");
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left <= 0) throw new IOException($"request longer than {_limit} bytes");
            int n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
