using System.Reflection;
using System.Reflection.Emit;
using AspireAgent.Socket.Connections;
using Samples = AspireAgent.UnitTests.Gateway.CallDirectionSamples;

namespace AspireAgent.UnitTests.Gateway;

/// <summary>
/// Calls in the gateway go one way: endpoint → connection → (as an <c>IClientSession</c>) dispatcher → handlers.
/// Proven over the compiled assembly: every type a folder's types mention in their signatures, fields, locals
/// and IL (compiler-generated closures and state machines included) is looked at.
/// </summary>
public sealed class CallDirectionTests
{
    private const string Connections = "AspireAgent.Socket.Connections";
    private const string Dispatch = "AspireAgent.Socket.Dispatch";
    private const string Chat = "AspireAgent.Socket.Chat";

    private static readonly Assembly Gateway = typeof(ClientConnection).Assembly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Theory]
    [InlineData(Connections, Chat)]
    [InlineData(Connections, Dispatch)]
    [InlineData(Chat, Connections)]
    [InlineData(Chat, Dispatch)]
    [InlineData(Dispatch, Connections)]
    public void No_type_of_one_folder_refers_to_a_type_of_the_other(string from, string to)
    {
        Assert.Contains(Gateway.GetTypes(), t => t.Namespace == from);
        Assert.Contains(Gateway.GetTypes(), t => t.Namespace == to);

        Assert.Empty(References(Gateway, from, to));
    }

    [Fact]
    public void The_scan_finds_a_reference_made_only_in_a_field_a_signature_a_method_body_or_a_lambda()
    {
        var found = References(typeof(CallDirectionTests).Assembly, typeof(Samples.FieldOnly).Namespace!, Connections);

        Assert.Contains(found, f => f.StartsWith(typeof(Samples.FieldOnly).FullName!, StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith(typeof(Samples.SignatureOnly).FullName!, StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith(typeof(Samples.BodyOnly).FullName!, StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith(typeof(Samples.LambdaOnly).FullName!, StringComparison.Ordinal) && f.Contains("<>c", StringComparison.Ordinal));
        Assert.DoesNotContain(found, f => f.StartsWith(typeof(Samples.Clean).FullName!, StringComparison.Ordinal));
    }

    /// <summary>"type → referenced type" for every reference from a type of <paramref name="from"/> to one of <paramref name="to"/>.</summary>
    private static List<string> References(Assembly assembly, string from, string to)
    {
        var found = new List<string>();
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace == from))
        {
            foreach (var referenced in ReferencedTypes(type).SelectMany(Expand).Distinct())
            {
                if (referenced.Namespace == to)
                {
                    found.Add($"{type.FullName} → {referenced.FullName}");
                }
            }
        }

        return found;
    }

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var item in type.GetInterfaces())
        {
            yield return item;
        }

        foreach (var field in type.GetFields(all))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(all))
        {
            yield return property.PropertyType;
        }

        foreach (var attribute in type.GetCustomAttributesData())
        {
            yield return attribute.AttributeType;
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }

            foreach (var local in method.GetMethodBody()?.LocalVariables ?? [])
            {
                yield return local.LocalType;
            }

            foreach (var member in MembersUsedBy(method))
            {
                foreach (var used in TypesOf(member))
                {
                    yield return used;
                }
            }
        }
    }

    private static IEnumerable<Type> TypesOf(MemberInfo member)
    {
        switch (member)
        {
            case Type type:
                yield return type;
                break;
            case FieldInfo field:
                yield return field.DeclaringType!;
                yield return field.FieldType;
                break;
            case MethodBase method:
                if (method.DeclaringType is { } declaring)
                {
                    yield return declaring;
                }

                if (method is MethodInfo info)
                {
                    yield return info.ReturnType;
                    foreach (var argument in info.IsGenericMethod ? info.GetGenericArguments() : [])
                    {
                        yield return argument;
                    }
                }

                foreach (var parameter in method.GetParameters())
                {
                    yield return parameter.ParameterType;
                }

                break;
        }
    }

    // Walks the IL instruction by instruction and resolves every field, method and type token.
    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } generic ? generic.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } info ? info.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var opCode = il[position] == 0xFE
                ? OpCodesByValue[unchecked((short)(0xFE00 | il[position + 1]))]
                : OpCodesByValue[il[position]];
            position += opCode.Size;
            switch (opCode.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }

    // A generic instance, an array, a by-ref: the types it is made of.
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var element in Expand(type.GetElementType()!))
            {
                yield return element;
            }

            yield break;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }

            yield break;
        }

        yield return type;
    }
}
