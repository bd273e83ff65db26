using AspireAgent.Bus;
using AspireAgent.Inference.Generation;
using AspireAgent.Inference.Models;
using Microsoft.Extensions.Options;

namespace AspireAgent.Inference.Worker;

/// <summary>
/// Takes requests off the bus with <see cref="InferenceOptions.Concurrency"/> consumer loops, one answer per
/// loop at a time. On shutdown the loops stop taking requests, in-flight model calls are cancelled, and
/// every stream still gets its end before the host's shutdown timeout.
/// </summary>
internal sealed partial class InferenceWorker(
    IRequestQueue queue,
    AnswerGenerator generator,
    InferenceModel model,
    IOptions<InferenceOptions> options,
    IOptions<OllamaOptions> ollamaOptions,
    TimeProvider time,
    ILogger<InferenceWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ReadRetryDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _abandon = new();
    private readonly ConsumerName _consumers = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AnnounceModel();
        var concurrency = options.Value.Concurrency;
        var loops = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            loops[i] = ConsumeAsync(_consumers.For(i), stoppingToken);
        }

        LogStarted(concurrency, _consumers.For(0));
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout: past it, answers still writing their end give up.
        await using var abandon = cancellationToken.UnsafeRegister(
            static source => ((CancellationTokenSource)source!).Cancel(), _abandon).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    private async Task ConsumeAsync(string consumer, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var lease in queue.ReadAsync(consumer, stoppingToken).ConfigureAwait(false))
                {
                    await generator.GenerateAsync(lease, stoppingToken, _abandon.Token).ConfigureAwait(false);
                }

                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A bus that cannot be reached now may be back in a moment (a Redis restart); one failure must not
                // stop the worker. A durable bus re-hands a request this consumer was holding.
                LogReadFailed(exception, consumer, ReadRetryDelay);
                try
                {
                    await Task.Delay(ReadRetryDelay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void AnnounceModel()
    {
        if (model.IsSimulated)
        {
            LogSimulated(ollamaOptions.Value.ConnectionName);
        }
        else
        {
            LogOllama(model.Name, model.Endpoint);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answers are SIMULATED: no LLM is configured, so the worker streams deterministic generated text (assistant.start says simulated=true). To use a real model, run Ollama and set Inference:Ollama:Endpoint (e.g. http://localhost:11434) and Inference:Ollama:Model, or provide ConnectionStrings:{ConnectionName} as 'Endpoint=http://host:11434;Model=llama3.2' (Aspire does this for an Ollama model resource).")]
    private partial void LogSimulated(string connectionName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answers come from Ollama model {Model} at {Endpoint}")]
    private partial void LogOllama(string model, Uri? endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference worker started {Concurrency} consumers ({Consumer} and siblings)")]
    private partial void LogStarted(int concurrency, string consumer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} could not read the request queue or reach the bus; retrying in {Delay}")]
    private partial void LogReadFailed(Exception exception, string consumer, TimeSpan delay);
}
